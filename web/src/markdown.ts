import MarkdownIt from 'markdown-it';

// Proposal bodies are Markdown written by anyone. Rendered with raw HTML off (markdown-it escapes it),
// links limited to http(s), mailto and in-page anchors, and images shown as links: an <img> would make
// every reader's browser fetch from wherever the author chose.

const SAFE_LINK = /^(https?:\/\/|mailto:|#)/i;

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
md.disable('image');
md.validateLink = (url: string) => SAFE_LINK.test(url.trim());

const defaultLinkOpen =
  md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  if (!(token.attrGet('href') ?? '').startsWith('#')) {
    token.attrSet('target', '_blank');
    token.attrSet('rel', 'noopener noreferrer nofollow ugc');
  }
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** Safe HTML for a Markdown text. */
export function renderMarkdown(text: string): string {
  return md.render(text);
}
