import { Router } from 'express';
import { spaceToJson, type Space } from '../spaces/schema.js';
import { ApiError } from './errors.js';

export function spacesRouter(spaces: Map<string, Space>): Router {
  const router = Router();
  router.get('/spaces', (_req, res) => {
    res.json({ spaces: [...spaces.values()].map(spaceToJson) });
  });
  router.get('/spaces/:id', (req, res) => {
    const space = spaces.get(req.params.id);
    if (!space) throw new ApiError(404, 'unknown_space', `no space "${req.params.id}"`, 'id');
    res.json(spaceToJson(space));
  });
  return router;
}
