// People: searchable list with add and bulk enrolment; #/people/<id> opens the person page.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/client.ts';
import { navigate } from '../../app/router.ts';
import { errorText } from '../../ui/error-text.ts';
import { Icon } from '../../ui/icons.tsx';
import { EmptyState, ErrorState, Loading } from '../../ui/states.tsx';
import { toast } from '../../ui/toasts.tsx';
import { BulkEnrol } from './BulkEnrol.tsx';
import { PersonForm } from './PersonForm.tsx';
import { PersonPage } from './PersonPage.tsx';
import { usePeople } from './store.ts';

export function PeopleScreen({ id }: { id?: string }) {
  if (id) return <PersonPage key={id} id={id} />;
  return <PeopleList />;
}

function PeopleList() {
  const { t } = useTranslation();
  const { list, query, setQuery, loadList, loadMore } = usePeople();
  const [search, setSearch] = useState(query.query);
  const [dialog, setDialog] = useState<null | 'add' | 'bulk'>(null);

  useEffect(() => { void loadList(); }, [loadList]);
  useEffect(() => {
    if (search === query.query) return;
    const timer = setTimeout(() => setQuery({ query: search }), 250);
    return () => clearTimeout(timer);
  }, [search, query.query, setQuery]);

  const filtered = query.query || query.status !== 'all' || query.department;
  const [demo, setDemo] = useState<{ people: number; cameras: number } | null>(null);
  const [confirmDemo, setConfirmDemo] = useState(false);
  useEffect(() => { void api().call('demo.status', {}).then(setDemo).catch(() => setDemo(null)); }, [list.items.length]);
  async function removeDemo() {
    try {
      const r = await api().call('demo.remove', {});
      toast.ok(t('people.demoRemoved', { people: r.removed_people, cameras: r.removed_cameras }));
      setDemo({ people: 0, cameras: 0 });
      setConfirmDemo(false);
      void loadList(true);
    } catch (err) {
      toast.error(errorText(err, t));
    }
  }
  return (
    <div className="page">
      <div className="toolbar">
        <h1 className="toolbar-title">{t('nav.people')}</h1>
        {list.total !== undefined && <span className="muted">{t('people.count', { count: list.total })}</span>}
        <span className="toolbar-spacer" />
        <button type="button" className="btn" onClick={() => setDialog('bulk')}><Icon name="upload" size={18} /> {t('bulk.open')}</button>
        <button type="button" className="btn btn-primary" onClick={() => setDialog('add')}><Icon name="plus" size={18} /> {t('people.add')}</button>
      </div>
      {demo && (demo.people > 0 || demo.cameras > 0) && (
        <div className="demo-banner" data-testid="demo-banner" role="note">
          <span><span className="chip chip-demo">{t('people.demo')}</span> {t('people.demoBanner', { people: demo.people, cameras: demo.cameras })}</span>
          {confirmDemo ? (
            <span className="inline-group">
              <span>{t('people.demoConfirm')}</span>
              <button type="button" className="btn btn-small btn-danger" data-testid="demo-remove-confirm" onClick={() => void removeDemo()}>{t('people.demoRemove')}</button>
              <button type="button" className="btn btn-small" onClick={() => setConfirmDemo(false)}>{t('common.cancel')}</button>
            </span>
          ) : <button type="button" className="btn btn-small" data-testid="demo-remove" onClick={() => setConfirmDemo(true)}>{t('people.demoRemove')}</button>}
        </div>
      )}
      <div className="filters" role="search">
        <div className="field field-grow">
          <label htmlFor="people-search">{t('people.search')}</label>
          <input id="people-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t('people.searchPlaceholder')} />
        </div>
        <div className="field">
          <label htmlFor="people-dept">{t('people.department')}</label>
          <input id="people-dept" value={query.department} onChange={(e) => setQuery({ department: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="people-status">{t('people.status')}</label>
          <select id="people-status" value={query.status} onChange={(e) => setQuery({ status: e.target.value as typeof query.status })}>
            <option value="all">{t('people.statusAll')}</option>
            <option value="active">{t('people.statusActive')}</option>
            <option value="inactive">{t('people.statusInactive')}</option>
          </select>
        </div>
      </div>
      {list.status === 'loading' || list.status === 'idle' ? <Loading /> : list.status === 'error' ? <ErrorState error={list.error} onRetry={() => void loadList(true)} /> : list.items.length === 0 ? (
        <EmptyState icon={<Icon name="people" size={40} />} title={filtered ? t('people.noMatch') : t('people.none')} hint={filtered ? undefined : t('people.noneHint')}
          action={!filtered && <button type="button" className="btn btn-primary" onClick={() => setDialog('add')}>{t('people.add')}</button>} />
      ) : (
        <>
          <table className="table" data-testid="people-table">
            <thead>
              <tr><th aria-label={t('people.photo')} /><th>{t('people.name')}</th><th>{t('people.employeeId')}</th><th>{t('people.department')}</th><th>{t('people.templates')}</th><th>{t('consent.title')}</th><th>{t('people.status')}</th></tr>
            </thead>
            <tbody>
              {list.items.map((p) => (
                <tr key={p.id} className="row-link" onClick={() => navigate({ screen: 'people', id: p.id })}>
                  <td>{p.thumbnail ? <img className="avatar" src={api().mediaUrl(p.thumbnail)} alt="" loading="lazy" /> : <span className="avatar avatar-empty"><Icon name="user" size={18} /></span>}</td>
                  <td><a href={`#/people/${p.id}`} onClick={(e) => e.stopPropagation()}>{p.name}</a>{p.watchlist && <span className="chip chip-watchlist">{t('people.watchlist')}</span>}{p.demo && <span className="chip chip-demo" title={t('people.demoHint')}>{t('people.demo')}</span>}</td>
                  <td className="mono">{p.employee_id}</td>
                  <td>{p.department || '—'}</td>
                  <td>{p.template_count === 0 ? <span className="warn-text">{t('people.noTemplatesShort')}</span> : p.template_count}</td>
                  <td><span className={`chip consent-${p.consent?.status ?? 'none'}`}>{t(`consent.status.${p.consent?.status ?? 'none'}`)}</span></td>
                  <td>{t(p.status === 'active' ? 'people.statusActive' : 'people.statusInactive')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.nextCursor && (
            <button type="button" className="btn btn-block" disabled={list.loadingMore} onClick={() => void loadMore().catch((err) => toast.error(errorText(err, t)))}>
              {list.loadingMore ? t('common.loading') : t('common.loadMore')}
            </button>
          )}
        </>
      )}
      {dialog === 'add' && <PersonForm onClose={() => setDialog(null)} onSaved={(p) => navigate({ screen: 'people', id: p.id })} />}
      {dialog === 'bulk' && <BulkEnrol onClose={() => { setDialog(null); void loadList(true); }} />}
    </div>
  );
}
