import { colors, sizes } from '../../../../emails/theme.js';

/**
 * The admin pages' own rules on top of the site's style sheet: a wider card for tables and
 * charts, the navigation, tables with figures aligned right.
 */
export const REPORTS_CSS = `
.card.wide{max-width:1120px}
.tabs{border-bottom:1px solid ${colors.rule};padding:0 ${sizes.gutter}}
.tabs ul,.switch{display:flex;flex-wrap:wrap;gap:4px 18px;list-style:none;margin:0;padding:10px 0}
.tabs a[aria-current=page],.switch a[aria-current=true]{font-weight:bold;color:${colors.ink};text-decoration:none}
.switch{align-items:baseline;padding:0 0 8px}
.chart{margin:8px 0 4px}
.chart figcaption{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center;font-size:${sizes.small}}
.legend{display:flex;flex-wrap:wrap;gap:6px 14px}
.key{display:inline-flex;align-items:center;gap:6px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:${sizes.small};margin:8px 0 4px}
caption{text-align:left;font-weight:bold;padding:4px 0}
th,td{border-bottom:1px solid ${colors.rule};padding:4px 8px;text-align:left;vertical-align:top}
thead th{border-bottom:2px solid ${colors.muted}}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tbody th{font-weight:normal}
.figures{margin:0 0 24px}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin:0 0 16px;padding:0}
.facts div{border:1px solid ${colors.rule};padding:8px 12px}
.facts dt{font-size:${sizes.small};color:${colors.muted}}
.facts dd{margin:0;font-size:20px;font-weight:bold}
.alert{border:2px solid #b00020;padding:8px 12px;margin:0 0 12px}
`;
