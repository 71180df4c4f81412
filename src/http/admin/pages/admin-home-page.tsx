import { ADMIN_PATHS } from '../admin-paths.js';
import { AdminLayout } from './admin-layout.js';

/** `/admin/`: what each report answers, one link each. */
export function AdminHomePage({ publicationName }: { publicationName: string }) {
  return (
    <AdminLayout publicationName={publicationName} title="Reports" section="home">
      <ul>
        <li>
          <a href={ADMIN_PATHS.campaigns}>Campaigns</a>: every campaign’s audience, sends, clicks,
          trials and conversion; per story on each campaign’s page.
        </li>
        <li>
          <a href={ADMIN_PATHS.deliverability}>Deliverability</a>: sent, bounces, complaints and
          unsubscribes per day, against the providers’ complaint lines; suppressions by reason.
        </li>
        <li>
          <a href={ADMIN_PATHS.digests}>Digests</a>: each morning’s run, and topics by followers and
          stories matched.
        </li>
        <li>
          <a href={ADMIN_PATHS.queues}>Queues</a>: the jobs waiting, running and failed.
        </li>
      </ul>
      <p className="small">Every table has a CSV download; the pages need no JavaScript.</p>
    </AdminLayout>
  );
}
