/**
 * Renders a Vega-Lite specification to an SVG string in Node: compile to Vega, then a headless
 * `vega.View` (renderer 'none') and `toSVG()`, which needs no canvas (text is measured by
 * estimation). Vega-Lite and Vega are maintained libraries; nothing here draws by hand.
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** The SVG document of `spec`. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { spec: vegaSpec } = compile(spec);
  const view = new View(parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
