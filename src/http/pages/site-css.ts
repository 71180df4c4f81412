import { colors, fonts, sizes } from '../../../emails/theme.js';

/**
 * The pages' one style sheet, in the emails' theme (colors, type), served from our own origin
 * so the Content-Security-Policy needs no inline styles. Focus is always visible; text and
 * controls keep a contrast of at least 4.5:1 on their background.
 */
export const SITE_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{background:${colors.page};color:${colors.ink};font-family:${fonts.body};font-size:${sizes.body};line-height:${sizes.lineHeight}}
body{margin:0;padding:16px 12px}
.card{max-width:${sizes.maxWidth};margin:0 auto;background:${colors.card};border:1px solid ${colors.rule}}
.masthead{background:${colors.accent};color:${colors.accentInk};padding:20px ${sizes.gutter}}
.masthead p{margin:0 0 4px;font-size:${sizes.small};letter-spacing:.04em}
.masthead h1{margin:0;font-family:${fonts.headline};font-size:${sizes.masthead};line-height:1.25}
main{padding:20px ${sizes.gutter} 24px}
h2{font-family:${fonts.headline};font-size:${sizes.headline};margin:24px 0 8px}
p{margin:0 0 12px}
.small{font-size:${sizes.small};color:${colors.muted}}
a{color:${colors.accent}}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid ${colors.locked};outline-offset:2px}
fieldset{border:1px solid ${colors.rule};margin:0 0 16px;padding:12px 16px}
legend{font-weight:bold;padding:0 4px}
.field{margin:0 0 10px}
.field label{display:block;font-weight:600;margin:0 0 2px}
.check label{display:inline;font-weight:normal}
.hint{display:block;font-size:${sizes.small};color:${colors.muted}}
input,select{font:inherit;color:${colors.ink};background:${colors.card};border:1px solid ${colors.muted};border-radius:4px;padding:6px 8px;max-width:100%}
input[type=checkbox]{width:18px;height:18px;vertical-align:-3px;margin:0 6px 0 0}
[aria-invalid=true]{border:2px solid #b00020}
.error{display:block;color:#b00020;font-weight:600;margin:2px 0 0}
.error::first-letter,.summary li::first-letter{text-transform:uppercase}
.summary{border:2px solid #b00020;padding:12px 16px;margin:16px 0}
.summary h2{margin-top:0;color:#b00020}
.notice{background:${colors.ctaBackground};border:1px solid ${colors.ctaBorder};padding:12px 16px;margin:16px 0}
button{font:inherit;font-weight:bold;cursor:pointer;border-radius:4px;padding:10px 18px;border:2px solid ${colors.accent};background:${colors.accent};color:${colors.accentInk}}
button.secondary{background:${colors.card};color:${colors.accent}}
.actions{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:16px 0}
.actions form{margin:0}
footer{padding:0 ${sizes.gutter} 16px;border-top:1px solid ${colors.rule}}
footer p{margin:12px 0 0}
`;
