// The ECharts the dashboards need: add a chart type or component here when dashboards/ starts
// drawing one (tests/test_page_weight.py fails on a chart this build cannot draw).
import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import {
  GridComponent, LegendComponent, TitleComponent, TooltipComponent,
} from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([
  BarChart, LineChart,
  GridComponent, LegendComponent, TitleComponent, TooltipComponent,
  SVGRenderer,
]);
window.echarts = echarts;
