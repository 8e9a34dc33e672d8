"""What the accessibility tests share: axe-core (vendored from npm), and keyboard and focus helpers."""

import re
from pathlib import Path

from playwright.sync_api import expect

AXE = Path(__file__).parent / "assets" / "axe-core-4.14.1" / "axe.min.js"
# Map tiles come from the internet; the audit blocks them (the map works without its background).
TILES = re.compile(r"^https://tile\.openstreetmap\.org/")

# Colour arithmetic for the checks below: CSS colours, alpha blending, WCAG contrast ratios, and the
# colours behind an element (every stop of a gradient, or the nearest opaque background).
COLOURS = """
  const parse = (value) => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const parts = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a), a: 1,
  });
  const luminance = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const backgrounds = (element) => {
    const layers = [];
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage.includes("gradient")) {
        const stops = style.backgroundImage.match(/rgba?\\([^)]+\\)/g).map(parse);
        const white = {r: 255, g: 255, b: 255, a: 1};
        return stops.map((stop) => layers.reduceRight((below, layer) => over(layer, below), over(stop, white)));
      }
      const colour = parse(style.backgroundColor);
      if (colour && colour.a > 0) {
        if (colour.a >= 1) return [layers.reduceRight((below, layer) => over(layer, below), colour)];
        layers.push(colour);
      }
    }
    return [layers.reduceRight((below, layer) => over(layer, below), {r: 255, g: 255, b: 255, a: 1})];
  };
"""

# The focused element's indicator: its outline and box-shadow colours, each measured against the
# background around the element. WCAG 2.4.7 and 1.4.11: a focus indicator needs 3:1 against what is
# next to it, so a faint tint (Bootstrap's 25% ring) does not count.
FOCUS_RING = (
    "async () => {"
    + COLOURS
    + """
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  // Form controls fade their ring in: measure it once the transition has finished.
  await Promise.all(element.getAnimations().map((animation) => animation.finished));
  const style = getComputedStyle(element);
  const around = backgrounds(element.parentElement || element);
  const colours = [];
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) colours.push(parse(style.outlineColor));
  if (style.boxShadow !== "none") {
    for (const shadow of style.boxShadow.split(/,(?![^(]*\\))/)) {
      const spread = shadow.replace(/rgba?\\([^)]+\\)/, "").trim().split(/\\s+/).map(parseFloat);
      if (spread.length >= 4 && spread[3] >= 2) colours.push(parse(shadow));
    }
  }
  const best = Math.max(0, ...colours.flatMap((colour) => around.map((bg) => ratio(over(colour, bg), bg))));
  return {ratio: Math.round(best * 100) / 100};
}"""
)


# A short, stable description of the focused element, for assertions and failure messages.
DESCRIBE_FOCUS = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return "body";
  const label = element.id ? "#" + element.id : (element.getAttribute("href") || element.getAttribute("name") || "");
  const text = (element.getAttribute("aria-label") || element.textContent || element.value || "").trim().slice(0, 40);
  return element.tagName.toLowerCase() + " " + label + " " + JSON.stringify(text);
}"""


# axe leaves text over a gradient or a background image "incomplete" (it cannot tell which colour is
# behind the letters). This finishes the check: the text colour against the nearest opaque background
# colour and against every colour stop of a gradient behind it (a select's chevron image sits beside
# the text, so the element's own colour is what the text is on). WCAG AA: 4.5:1, or 3:1 for large text.
CONTRAST_OF_INCOMPLETE = (
    "(selectors) => {"
    + COLOURS
    + """  return selectors.map((selector) => {
    const element = document.querySelector(selector);
    const style = getComputedStyle(element);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight, 10) >= 700);
    const lowest = Math.min(...backgrounds(element).map((bg) => ratio(parse(style.color), bg)));
    return {selector: selector, ratio: Math.round(lowest * 100) / 100, needed: large ? 3 : 4.5};
  });
}"""
)
# Incomplete for reasons that are not about text: an icon glyph, a one-character cluster count.
NOT_TEXT = ("non-text characters", "too short to determine")


def serious_violations(page, context=None):
    """axe-core's serious and critical violations on the page as it is now, one readable line each,
    with colour contrast checked to the end where axe could not decide."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (context) => await axe.run(context || document, {resultTypes: ['violations', 'incomplete']})",
        context,
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    undecided = [
        node["target"][0]
        for v in result["incomplete"]
        if v["id"] == "color-contrast"
        for node in v["nodes"]
        if not any(reason in message["message"] for message in node["any"] for reason in NOT_TEXT)
    ]
    if undecided:
        problems += [
            f"color-contrast (serious): {check['ratio']}:1 where {check['needed']}:1 is needed at {check['selector']}"
            for check in page.evaluate(CONTRAST_OF_INCOMPLETE, undecided)
            if check["ratio"] < check["needed"]
        ]
    return problems


def focused(page):
    return page.evaluate(DESCRIBE_FOCUS)


def assert_focus_visible(page):
    ring = page.evaluate(FOCUS_RING)
    assert ring is not None, "nothing has focus"
    assert ring["ratio"] >= 3, f"focus indicator of {focused(page)} has {ring['ratio']}:1 against its background"


def tab_to(page, selector, *, key="Tab", limit=80):
    """Press Tab (or Shift+Tab) until the element matching `selector` has focus, checking on every
    step that the focus is visible and moves on. Fails if it never gets there within `limit` steps."""
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("document.activeElement === document.body"):
            seen.append("body")
            continue
        assert_focus_visible(page)
        seen.append(focused(page))
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return len(seen)
    raise AssertionError(f"{selector} never received focus; the focus went through {seen}")


def focus_is_in(page, selector):
    return page.evaluate("(selector) => !!document.activeElement.closest(selector)", selector)


# Bootstrap's collapse (the phone menu) swaps .collapse for .collapsing while it animates, and adds
# .show only once fully open: a key pressed during the transition is ignored.
COLLAPSE = re.compile(r"(^|\s)collapse(\s|$)")
SHOWN = re.compile(r"(^|\s)show(\s|$)")


def expect_collapse_settled(page, selector, *, shown):
    """Wait until the collapse matching `selector` has finished opening (`shown`) or closing."""
    target = page.locator(selector)
    expect(target).to_have_class(COLLAPSE)
    if shown:
        expect(target).to_have_class(SHOWN)
    else:
        expect(target).not_to_have_class(SHOWN)


def audit(page):
    """Serious or critical violations on `page`, once the partner map (if any) is at rest."""
    if page.locator("#partners-map").count():
        page.wait_for_selector("#partners-map[data-markers]")
    return serious_violations(page)
