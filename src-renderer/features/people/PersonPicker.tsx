// Search-as-you-type person chooser (persons.list), used for event corrections and filters.
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Person } from '../../../src-contract/schemas.ts';
import { api } from '../../app/client.ts';
import { errorText } from '../../ui/error-text.ts';

export function PersonPicker({ value, onChange, label, autoFocus }: {
  value: { id: string; name: string } | null; onChange: (p: { id: string; name: string } | null) => void; label: string; autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [query, setQuery] = useState(value?.name ?? '');
  const [open, setOpen] = useState(false);
  const [results, setResults] = useState<Person[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [active, setActive] = useState(0);

  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    setBusy(true);
    const timer = setTimeout(() => {
      api().call('persons.list', { query: query.trim() || undefined, limit: 8, status: 'all' })
        .then((page) => { if (!cancelled) { setResults(page.items); setError(null); setActive(0); } })
        .catch((err) => { if (!cancelled) setError(err); })
        .finally(() => { if (!cancelled) setBusy(false); });
    }, 200);
    return () => { cancelled = true; clearTimeout(timer); };
  }, [query, open]);

  const choose = (p: Person) => { onChange({ id: p.id, name: p.name }); setQuery(p.name); setOpen(false); };
  return (
    <div className="picker">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        role="combobox"
        aria-expanded={open}
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        autoFocus={autoFocus}
        value={query}
        placeholder={t('people.searchPlaceholder')}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onChange={(e) => { setQuery(e.target.value); setOpen(true); if (value) onChange(null); }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') { e.preventDefault(); setActive((a) => Math.min(results.length - 1, a + 1)); }
          else if (e.key === 'ArrowUp') { e.preventDefault(); setActive((a) => Math.max(0, a - 1)); }
          else if (e.key === 'Enter' && open && results[active]) { e.preventDefault(); choose(results[active]); }
        }}
      />
      {open && (
        <ul id={`${id}-list`} className="picker-list" role="listbox">
          {error ? <li className="picker-msg">{errorText(error, t)}</li>
            : busy && results.length === 0 ? <li className="picker-msg">{t('common.loading')}</li>
              : results.length === 0 ? <li className="picker-msg">{t('people.noMatch')}</li>
                : results.map((p, i) => (
                  <li key={p.id} role="option" aria-selected={i === active} className={i === active ? 'active' : undefined}
                    onMouseDown={(e) => { e.preventDefault(); choose(p); }}>
                    <span>{p.name}</span><span className="muted">{p.employee_id}{p.department ? ` · ${p.department}` : ''}</span>
                  </li>
                ))}
        </ul>
      )}
    </div>
  );
}
