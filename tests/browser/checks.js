// The in-page half of check_page (checks.py): each function returns a list of problems.
({
  // One pass over the page, in the page: everything that does not need a key press.
  measure: ({minText, minLineHeight, minTarget, minMainAction}) => {
    const problems = [];
    const doc = document.documentElement;
    const describe = (el) => {
      let s = el.tagName.toLowerCase();
      if (el.id) s += '#' + el.id;
      if (el.classList.length) s += '.' + [...el.classList].join('.');
      if (el.type && el.tagName !== 'BUTTON') s += `[type=${el.type}]`;
      const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
      if (text) s += ` "${text.replace(/\s+/g, ' ').slice(0, 40)}"`;
      return s;
    };
    const hiddenByClip = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const s = getComputedStyle(e);
        if (s.clip && s.clip !== 'auto' || s.clipPath && s.clipPath !== 'none') return true;
      }
      return false;
    };
    const shown = (el) => {
      if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) return false;
      if (r.right <= 0 || r.bottom + window.scrollY <= 0) return false;  // parked off-screen
      return !hiddenByClip(el);
    };
    const px = (v) => parseFloat(v) || 0;

    if (!['zh-CN', 'en'].includes(doc.lang)) problems.push(`<html lang="${doc.lang}">: want zh-CN or en`);
    if (!document.title.trim()) problems.push('the page has no title');

    const body = getComputedStyle(document.body);
    if (px(body.fontSize) < minText) problems.push(`body font-size ${body.fontSize} < ${minText}px`);
    if (body.lineHeight === 'normal' || px(body.lineHeight) / px(body.fontSize) < minLineHeight - 0.001)
      problems.push(`body line-height ${body.lineHeight} is below ${minLineHeight} × ${body.fontSize}`);

    // Every piece of text: large enough; running text (not headings or controls) spaced enough.
    const controlLike = 'h1,h2,h3,h4,h5,h6,button,.button,input,select,option,textarea,label.check,legend';
    for (const el of document.body.querySelectorAll('*')) {
      const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!ownText || !shown(el)) continue;
      const s = getComputedStyle(el);
      if (px(s.fontSize) < minText - 0.01) problems.push(`text size ${s.fontSize} < ${minText}px: ${describe(el)}`);
      if (!el.closest(controlLike) && s.display !== 'inline' && s.display !== 'inline-block') {
        const ratio = s.lineHeight === 'normal' ? 1.2 : px(s.lineHeight) / px(s.fontSize);
        if (ratio < minLineHeight - 0.001)
          problems.push(`line-height ${ratio.toFixed(2)} < ${minLineHeight}: ${describe(el)}`);
      }
    }

    // Form controls: large type.
    for (const el of document.querySelectorAll('input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea, button')) {
      if (!shown(el)) continue;
      const size = getComputedStyle(el).fontSize;
      if (px(size) < minText - 0.01) problems.push(`control font-size ${size} < ${minText}px: ${describe(el)}`);
    }

    // Targets. A link inside running text (its block holds other words) is exempt (WCAG 2.5.8);
    // navigation links, link-buttons, links standing alone, buttons and form controls are not.
    const blockOf = (el) => {
      let e = el.parentElement;
      while (e && getComputedStyle(e).display.startsWith('inline')) e = e.parentElement;
      return e || document.body;
    };
    // Only the words on the link's own lines count: text in a block inside the same block (a
    // card's title link above its <p> of details) is not a sentence the link stands in.
    const inlineText = (node, skip) => {
      let text = '';
      for (const child of node.childNodes) {
        if (child === skip) continue;
        if (child.nodeType === Node.TEXT_NODE) text += child.textContent;
        else if (child.nodeType === Node.ELEMENT_NODE && getComputedStyle(child).display.startsWith('inline'))
          text += inlineText(child, skip);
      }
      return text;
    };
    const inRunningText = (a) => {
      if (a.matches('.button, nav a, [role=button]')) return false;
      const rest = inlineText(blockOf(a), a);
      return /[\p{L}\p{N}]/u.test(rest);
    };
    for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]')) {
      if (!shown(el)) continue;
      if (el.tagName === 'A' && inRunningText(el)) continue;
      // A check box or radio button is measured itself, and its label too: the label
      // toggles it, but the box is what an unsteady finger aims at (measuring only the label
      // let a 28 px box through).
      const targets = [el];
      if (el.matches('input[type=checkbox], input[type=radio]') && el.closest('label')) targets.push(el.closest('label'));
      for (const target of targets) {
        const r = target.getBoundingClientRect();
        if (r.width < minTarget - 0.5 || r.height < minTarget - 0.5)
          problems.push(`target ${Math.round(r.width)}×${Math.round(r.height)} px < ${minTarget}×${minTarget}: ${describe(target)}`);
      }
    }
    for (const el of document.querySelectorAll('.main-action')) {
      if (!shown(el)) continue;
      const h = el.getBoundingClientRect().height;
      if (h < minMainAction - 0.5) problems.push(`main action ${Math.round(h)} px tall < ${minMainAction}: ${describe(el)}`);
    }
    return problems;
  },

  // Nothing scrolls sideways (neither the page nor a box in it, such as a wide table in .table-wrap)
  // and nothing sticks out of the window or is clipped.
  reflow: () => {
    const problems = [];
    const scroller = document.scrollingElement;
    const width = scroller.clientWidth;
    if (scroller.scrollWidth > width)
      problems.push(`the page scrolls sideways: ${scroller.scrollWidth} px wide in a ${width} px window`);
    const inScrollBox = (el) => {
      for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
        const o = getComputedStyle(e).overflowX;
        if (o === 'auto' || o === 'scroll') return true;
      }
      return false;
    };
    const seen = [];
    for (const el of document.body.querySelectorAll('*')) {
      if (!el.checkVisibility({checkVisibilityCSS: true})) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.right <= 0) continue;  // parked skip link
      const s = getComputedStyle(el);
      if (s.clip && s.clip !== 'auto') continue;
      // Text fields scroll their own text by design; other boxes must not scroll or cut.
      const field = el.matches('input, textarea, select');
      // A data table may scroll in a box of its own (WCAG 1.4.10 exempts tables) when that box
      // is a named region the keyboard can reach and scroll (role=region, tabindex=0, a name).
      const tableRegion = el.matches('[role=region][tabindex="0"]') &&
        (el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby')) && el.querySelector('table');
      if (!field && !tableRegion && (s.overflowX === 'auto' || s.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
        const name = el.tagName.toLowerCase() + (el.className ? '.' + [...el.classList].join('.') : '');
        problems.push(`${name} scrolls sideways: ${el.scrollWidth} px of content in ${el.clientWidth} px`);
      }
      const sticksOut = r.right > width + 1;
      const clipped = !field &&
        (s.overflowX === 'hidden' || s.overflowX === 'clip') && el.scrollWidth > el.clientWidth + 1;
      if ((sticksOut || clipped) && !inScrollBox(el)) {
        const name = el.tagName.toLowerCase() + (el.className ? '.' + [...el.classList].join('.') : '');
        seen.push(`${name} ${sticksOut ? 'reaches ' + Math.round(r.right) + ' px' : 'is clipped'} (${(el.innerText || '').trim().slice(0, 30)})`);
      }
    }
    if (seen.length) problems.push(`cut off at ${width} px: ` + seen.slice(0, 8).join('; '));
    return problems;
  },

  // After a real Tab key press, moving focus from script keeps :focus-visible on in Chromium, so
  // every control can be asked whether it shows a clear outline.
  focus: () => {
    const problems = [];
    const rgb = (css) => (css.match(/[\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => {
      const lin = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const contrast = (a, b) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi + 0.05) / (lo + 0.05);
    };
    const backgroundOutside = (el, gap) => {
      const r = el.getBoundingClientRect();
      const width = document.documentElement.clientWidth;
      const x = r.right + gap < width ? r.right + gap : r.left - gap;
      const y = r.top + r.height / 2;
      if (x < 0 || y < 0 || y > window.innerHeight) return null;
      const under = document.elementsFromPoint(x, y).find((e) => e !== el && !el.contains(e));
      for (let e = under; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length >= 3 && (c.length < 4 || c[3] > 0)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const selector = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
    const positive = [...document.querySelectorAll('[tabindex]')].filter((e) => e.tabIndex > 0);
    if (positive.length) problems.push(`positive tabindex breaks the reading order: ${positive.length} elements`);
    for (const el of document.querySelectorAll(selector)) {
      if (!el.checkVisibility({checkVisibilityCSS: true})) continue;
      el.focus({focusVisible: true});
      if (document.activeElement !== el) continue;
      const s = getComputedStyle(el);
      const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
      const ring = s.boxShadow && s.boxShadow !== 'none';
      const text = (el.innerText || el.value || el.name || '').trim().slice(0, 30);
      const name = `${el.tagName.toLowerCase()} "${text}"`;
      if (!el.matches(':focus-visible') || !(outline || ring)) {
        problems.push(`no visible focus on ${name} (outline ${s.outlineStyle} ${s.outlineWidth})`);
      } else if (outline) {
        // WCAG 1.4.11: the ring needs 3:1 against what it is drawn on, just outside the box.
        const behind = backgroundOutside(el, parseFloat(s.outlineOffset) + parseFloat(s.outlineWidth) / 2);
        const ratio = behind && contrast(rgb(s.outlineColor), behind);
        if (ratio && ratio < 3) {
          problems.push(`focus ring of ${name} has ${ratio.toFixed(1)}:1 against its background (< 3:1)`);
        }
      }
    }
    document.activeElement.blur();
    window.scrollTo(0, 0);
    return problems;
  },
})
