// The one place ECharts is imported: its core and only the chart types and components the console draws (bar, line,
// pie; aria, grid, legend, tooltip; the canvas renderer). Chart.vue loads this module with a dynamic import, so
// ECharts is its own chunk, fetched when the first chart mounts and never part of the entry chunk.
import { init, use } from 'echarts/core'
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

use([BarChart, LineChart, PieChart, AriaComponent, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export { init }
