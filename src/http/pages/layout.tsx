import type { ReactNode } from 'react';

export interface LayoutProps {
  publicationName: string;
  /** The page's heading and title. */
  title: string;
  children: ReactNode;
  /** Scripts of our own origin that enhance the page; it works without them. */
  scripts?: string[];
}

/** The frame of every page: the publication's masthead over the content, as in the emails. */
export function Layout({ publicationName, title, children, scripts = [] }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${title} · ${publicationName}`}</title>
        <link rel="stylesheet" href="/assets/site.css" />
      </head>
      <body>
        <div className="card">
          <header className="masthead">
            <p>{publicationName}</p>
            <h1>{title}</h1>
          </header>
          <main>{children}</main>
          <footer>
            <p className="small">{publicationName}</p>
          </footer>
        </div>
        {scripts.map((src) => (
          <script key={src} src={src} defer />
        ))}
      </body>
    </html>
  );
}
