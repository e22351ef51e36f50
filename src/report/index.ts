/**
 * The self-contained HTML report (SVG charts made in code). Browser-safe.
 * @module
 */
export { escapeHtml } from "./escape.js";
export {
  BUILTIN_CODE_STYLES,
  type CodeStyle,
  codePalette,
  type FillPattern,
  NEUTRAL_GREY,
  OKABE_ITO,
  type PaletteCode,
} from "./palette.js";
export { type ReportPage, renderReport, renderReportPages } from "./render.js";
export { type ScoreForReportOptions, scoreForReport } from "./session.js";
export {
  type BandRow,
  type Bar,
  bandChartSvg,
  barChartSvg,
  type ChartText,
  type LineSeries,
  lineChartSvg,
  type ProfileValues,
  profileSvg,
  type TimelineMark,
  timelineSvg,
} from "./svg.js";
export * from "./types.js";
