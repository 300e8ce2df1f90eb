// A monthly revenue chart as SVG bars: no canvas, no library. Negative months (credit notes) go below the axis.

import { amount, month } from "./format.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 360;
const HEIGHT = 140;
const PAD = { top: 10, right: 6, bottom: 22, left: 6 };

function svg(tag, attributes = {}, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  if (text != null) element.textContent = text;
  return element;
}

/** A bar per period of `periods` ([{period, revenue}]), with its amount as the tooltip. */
export function revenueChart(periods, { label = "Revenue per month" } = {}) {
  const values = periods.map((p) => p.revenue);
  const high = Math.max(0, ...values);
  const low = Math.min(0, ...values);
  const span = high - low || 1;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const y = (value) => PAD.top + ((high - value) / span) * plotHeight;
  const slot = (WIDTH - PAD.left - PAD.right) / Math.max(1, periods.length);
  const total = values.reduce((sum, value) => sum + value, 0);
  const chart = svg("svg", {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    class: "chart",
    role: "img",
    "aria-label": `${label}: ${periods.length} months, ${amount(total)} in all`,
  });
  chart.append(svg("line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(0), y2: y(0), class: "chart-axis" }));
  periods.forEach((p, index) => {
    const top = Math.min(y(p.revenue), y(0));
    const height = Math.max(Math.abs(y(p.revenue) - y(0)), p.revenue === 0 ? 0 : 1);
    const rect = svg("rect", {
      x: PAD.left + index * slot + slot * 0.15,
      y: top,
      width: slot * 0.7,
      height,
      rx: 1.5,
      class: p.revenue < 0 ? "chart-bar negative" : "chart-bar",
      "data-period": p.period,
      "data-revenue": p.revenue,
    });
    rect.append(svg("title", {}, `${month(p.period)}: ${amount(p.revenue)}`));
    chart.append(rect);
    // Every label when they fit, else every third month.
    if (periods.length <= 12 || index % 3 === 0) {
      const x = PAD.left + index * slot + slot / 2;
      chart.append(svg("text", { x, y: HEIGHT - 6, class: "chart-label", "text-anchor": "middle" }, shortMonth(p.period, index)));
    }
  });
  return chart;
}

function shortMonth(period, index) {
  const [year, number] = period.split("-");
  const name = new Date(Date.UTC(Number(year), Number(number) - 1, 1)).toLocaleString("en-US", { month: "short", timeZone: "UTC" });
  return index === 0 || number === "01" ? `${name} ${year.slice(2)}` : name;
}
