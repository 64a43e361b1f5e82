// HTML mail → HTML safe to show inside the app. sanitize-html with an allow-list (never a block-list):
// no scripts, no event handlers, no forms/frames/objects, no <style>/<link>/<base>/<meta>, and no remote
// content by default: a remote image is a tracking pixel until the user says otherwise, so its address
// moves to `data-blocked-src` and the count is reported for a "show images" action. `cid:` images (the
// message's own inline parts) stay, resolved to a URL by the caller (e.g. the attachment's download URL).
import sanitize from 'sanitize-html';

export interface SanitiseOptions {
  /** Load remote (http/https) images. Off by default. */
  readonly allowRemoteImages?: boolean;
  /** Maps a Content-ID to the URL the app serves that inline part at; unresolved cid images are dropped. */
  readonly resolveContentId?: (contentId: string) => string | null;
}

export interface SanitisedHtml {
  readonly html: string;
  /** Remote images (and remote backgrounds) that were blocked. */
  readonly blockedRemoteContent: number;
  /** Content-IDs the body shows inline. */
  readonly inlineContentIds: readonly string[];
}

const TAGS = [
  'a',
  'abbr',
  'address',
  'b',
  'bdi',
  'bdo',
  'big',
  'blockquote',
  'br',
  'caption',
  'center',
  'cite',
  'code',
  'col',
  'colgroup',
  'dd',
  'del',
  'dfn',
  'div',
  'dl',
  'dt',
  'em',
  'font',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'i',
  'img',
  'ins',
  'kbd',
  'li',
  'mark',
  'ol',
  'p',
  'pre',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'tt',
  'u',
  'ul',
  'wbr',
];

const LAYOUT = ['align', 'valign', 'width', 'height', 'colspan', 'rowspan', 'cellpadding', 'cellspacing', 'border', 'bgcolor', 'dir', 'lang', 'title'];

// Inline styles carry most of a mail's layout, so they stay, but only these properties and only values
// without parentheses or backslashes: that rules out url(), expression(), image-set() and CSS escapes
// (the ways a style loads remote content or runs code) while keeping colours, sizes and fonts.
const SAFE_VALUE = [/^[-\w\s#.,%'"!/]*$/, /^rgba?\(\s*[\d.\s,%]+\)$/i];
const STYLE_PROPERTIES = [
  'color',
  'background-color',
  'font',
  'font-family',
  'font-size',
  'font-style',
  'font-weight',
  'line-height',
  'text-align',
  'text-decoration',
  'text-transform',
  'vertical-align',
  'white-space',
  'width',
  'max-width',
  'min-width',
  'height',
  'margin',
  'margin-top',
  'margin-right',
  'margin-bottom',
  'margin-left',
  'padding',
  'padding-top',
  'padding-right',
  'padding-bottom',
  'padding-left',
  'border',
  'border-top',
  'border-right',
  'border-bottom',
  'border-left',
  'border-color',
  'border-collapse',
  'border-spacing',
  'border-width',
  'border-style',
  'border-radius',
  'display',
  'letter-spacing',
  'direction',
];
const allowedStyles = { '*': Object.fromEntries(STYLE_PROPERTIES.map((property) => [property, SAFE_VALUE])) };

const REMOTE = /^\s*(https?:)?\/\//i;
const INLINE_DATA_IMAGE = /^data:image\/(png|gif|jpe?g|webp);base64,[a-z0-9+/=\s]+$/i;

export function sanitiseHtml(input: string, options: SanitiseOptions = {}): SanitisedHtml {
  let blocked = 0;
  const inline = new Set<string>();
  const html = sanitize(input, {
    allowedTags: TAGS,
    allowedAttributes: {
      '*': [...LAYOUT, 'style'],
      a: ['href', 'name', 'target', 'rel'],
      img: ['src', 'alt', 'width', 'height', 'data-blocked-src'],
      font: ['color', 'face', 'size'],
    },
    allowedStyles,
    // Everything else (javascript:, vbscript:, file:, data: in links) loses its href/src.
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: options.allowRemoteImages ? ['http', 'https', 'cid', 'data'] : ['cid', 'data'] },
    allowProtocolRelative: false,
    // script, style, textarea, noscript…: dropped with their content, not unwrapped into text.
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'template', 'xml'],
    disallowedTagsMode: 'discard',
    transformTags: {
      // Legacy remote backgrounds (<table background=…>) count as blocked content too; the attribute
      // itself is not on the allow-list, so it goes either way.
      '*': (tagName, attribs) => {
        if (typeof attribs.background === 'string' && REMOTE.test(attribs.background)) blocked++;
        return { tagName, attribs };
      },
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
      img: (tagName, attribs) => {
        const src = attribs.src ?? '';
        const { src: _src, ...rest } = attribs;
        if (/^cid:/i.test(src)) {
          const id = src.slice(4).replace(/^<|>$/g, '');
          const url = options.resolveContentId?.(id) ?? null;
          inline.add(id);
          return { tagName, attribs: url ? { ...rest, src: url } : rest };
        }
        if (REMOTE.test(src)) {
          if (options.allowRemoteImages) return { tagName, attribs };
          blocked++;
          return { tagName, attribs: { ...rest, 'data-blocked-src': src } };
        }
        if (INLINE_DATA_IMAGE.test(src)) return { tagName, attribs };
        return { tagName, attribs: rest };
      },
    },
  });
  return { html, blockedRemoteContent: blocked, inlineContentIds: [...inline] };
}
