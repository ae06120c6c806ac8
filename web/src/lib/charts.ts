// Apache ECharts, only the parts the statistics page draws. Imported with `import()` from that page,
// so no other page downloads it. Canvas renderer and rich-text tooltips: no inline style attributes
// (the CSP's style-src 'self' refuses them).
import { BarChart, HeatmapChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, HeatmapChart, LineChart, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export type Chart = echarts.ECharts;
export const init = (el: HTMLElement) => echarts.init(el, undefined, { renderer: "canvas" });
