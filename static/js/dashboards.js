// Draws every ECharts chart whose option sits in a json_script element; tables below each chart
// carry the same figures for screen readers and printing. ECharts (static/dist/echarts.min.js,
// only the chart types the dashboards use) loads deferred, so draw once the document is parsed.
(function () {
  function draw() {
    if (!window.echarts) { return; }
    var charts = [];
    document.querySelectorAll('.echart[data-chart]').forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source) { return; }
      var option = JSON.parse(source.textContent);
      option.color = option.color || ['#a4161a', '#c9822b', '#2b7a4b', '#3b5b92', '#7a4b92'];
      option.textStyle = { fontFamily: getComputedStyle(document.body).fontFamily };
      var chart = echarts.init(el, null, { renderer: 'svg' });
      chart.setOption(option);
      charts.push(chart);
    });
    window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', draw);
  } else {
    draw();
  }
})();
