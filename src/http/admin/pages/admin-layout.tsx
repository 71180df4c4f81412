import type { ReactNode } from 'react';
import { ADMIN_PATHS } from '../admin-paths.js';

export type AdminSection = 'home' | 'campaigns' | 'deliverability' | 'digests';

export interface AdminLayoutProps {
  publicationName: string;
  title: string;
  section: AdminSection;
  children: ReactNode;
}

const SECTIONS: { section: AdminSection; label: string; href: string }[] = [
  { section: 'home', label: 'Reports', href: ADMIN_PATHS.home },
  { section: 'campaigns', label: 'Campaigns', href: ADMIN_PATHS.campaigns },
  { section: 'deliverability', label: 'Deliverability', href: ADMIN_PATHS.deliverability },
  { section: 'digests', label: 'Digests', href: ADMIN_PATHS.digests },
];

/** The frame of the admin pages: the site's masthead, wider, with the reports' navigation. */
export function AdminLayout({ publicationName, title, section, children }: AdminLayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${title} · ${publicationName} admin`}</title>
        <link rel="stylesheet" href="/assets/site.css" />
        <link rel="stylesheet" href={ADMIN_PATHS.css} />
      </head>
      <body>
        <div className="card wide">
          <header className="masthead">
            <p>{publicationName} · admin</p>
            <h1>{title}</h1>
          </header>
          <nav aria-label="Reports" className="tabs">
            <ul>
              {SECTIONS.map((s) => (
                <li key={s.section}>
                  <a href={s.href} aria-current={s.section === section ? 'page' : undefined}>
                    {s.label}
                  </a>
                </li>
              ))}
              <li>
                <a href={ADMIN_PATHS.queues}>Queues</a>
              </li>
            </ul>
          </nav>
          <main>{children}</main>
        </div>
      </body>
    </html>
  );
}

/** The 30/90-day switch: plain links, the current one marked. */
export function WindowSwitch({ path, days }: { path: string; days: number }) {
  return (
    <nav aria-label="Time window" className="switch">
      <span>Show the last</span>
      {[30, 90].map((n) => (
        <a key={n} href={`${path}?days=${n}`} aria-current={n === days ? 'true' : undefined}>
          {n} days
        </a>
      ))}
    </nav>
  );
}
