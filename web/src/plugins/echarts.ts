/**
 * ECharts, registered once from `echarts/core` with only the charts and components the console
 * uses (tree-shaken; the full `echarts` bundle is ~1 MB). Import `VChart` from here, never from
 * 'echarts' directly; add a chart type below when a page needs it.
 */
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { BarChart, HeatmapChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, ToolboxComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import VChart from 'vue-echarts';

use([
  CanvasRenderer, BarChart, HeatmapChart, LineChart, PieChart,
  GridComponent, LegendComponent, ToolboxComponent, TooltipComponent, VisualMapComponent,
]);

export { VChart };
