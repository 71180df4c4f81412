import { Link } from '@react-email/link';
import type { CSSProperties, ReactNode } from 'react';

export interface ButtonLinkProps {
  href: string;
  /** Fill color of the button. */
  background: string;
  /** Text color on the fill. */
  color: string;
  /** Space around the label, as CSS `padding` (`12px 20px`). */
  padding: string;
  /** Label styles: font size, weight, family. */
  labelStyle: CSSProperties;
  children: ReactNode;
}

/**
 * A link drawn as a button, built from a one-cell table so that it needs no conditional
 * comments: clients that honour padding on an inline-block link pad the link (the whole
 * button is clickable); Outlook for Windows ignores that padding and instead pads the cell
 * through `mso-padding-alt`, which every other client ignores.
 */
export function ButtonLink({
  href,
  background,
  color,
  padding,
  labelStyle,
  children,
}: ButtonLinkProps) {
  // React writes `msoPaddingAlt` as `mso-padding-alt`; CSSProperties does not know it.
  const cellStyle = { backgroundColor: background, borderRadius: '4px', msoPaddingAlt: padding };
  return (
    <table role="presentation" border={0} cellPadding={0} cellSpacing={0}>
      <tbody>
        <tr>
          <td style={cellStyle as CSSProperties}>
            <Link
              href={href}
              style={{
                ...labelStyle,
                display: 'inline-block',
                padding,
                color,
                lineHeight: '120%',
                borderRadius: '4px',
                textDecoration: 'none',
              }}
            >
              {children}
            </Link>
          </td>
        </tr>
      </tbody>
    </table>
  );
}
