import { Router } from 'express';
import { spaceRules } from '../spaces/rules.js';
import { spaceToJson, type Space } from '../spaces/schema.js';
import { ApiError } from './errors.js';

/** A space's settings, with the rules a proposal must sign: the document, its CID and its digest. */
function spaceJson(space: Space) {
  return { ...spaceToJson(space), rules: spaceRules(space) };
}

export function spacesRouter(spaces: Map<string, Space>): Router {
  const router = Router();
  router.get('/spaces', async (_req, res) => {
    res.json({ spaces: [...spaces.values()].map(spaceJson) });
  });
  router.get('/spaces/:id', async (req, res) => {
    const space = spaces.get(req.params.id);
    if (!space) throw new ApiError(404, 'unknown_space', `no space "${req.params.id}"`, 'id');
    res.json(spaceJson(space));
  });
  return router;
}
