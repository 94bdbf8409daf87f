// chart.js - one ECharts chart drawn in an element of a component: made on
// first use (again when the element was replaced), sized with the element
// and not the window (the side menu folding changes it too), disposed of
// with the component. The component registers the chart types it draws
// (echarts.use) and builds the option; this is the rest, once.
//
//   const el = ref(null);
//   const chart = useChart(el);
//   chart.show({ xAxis: ..., series: [...] }); // after the element is there
import { onBeforeUnmount } from 'vue';
import * as echarts from 'echarts/core';

// el: a ref to the element. onClick(params): a click on a slice or bar.
// onResize(): instead of a plain resize when the element's size changes.
export function useChart(el, { onClick, onResize } = {}) {
  let chart = null;
  let observer = null;

  function reset() {
    observer?.disconnect();
    observer = null;
    chart?.dispose();
    chart = null;
  }

  // The chart of the element now in el; null while there is none.
  function instance() {
    if (chart && chart.getDom() !== el.value) reset(); // a v-if made the element anew
    if (!chart && el.value) {
      chart = echarts.init(el.value);
      if (onClick) chart.on('click', onClick);
      // after layout, never inside it
      observer = new ResizeObserver(() => requestAnimationFrame(() => (onResize ? onResize() : chart?.resize())));
      observer.observe(el.value);
    }
    return chart;
  }

  // Draws option in place of what was there.
  function show(option) {
    const c = instance();
    if (!c) return;
    c.setOption(option, true);
    c.resize();
  }

  onBeforeUnmount(reset);
  return { show, instance, reset, resize: () => chart?.resize() };
}
