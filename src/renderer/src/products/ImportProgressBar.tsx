import { useEffect, useState } from 'react';
import type { ImportProgress } from '../../../shared/api/schemas/catalogImport';
import { useApi } from '../api/ApiContext';
import { useI18n } from '../i18n/I18nProvider';

/**
 * While an import call is under way: which stage core is in and how many rows it has checked.
 * Core yields between chunks of rows, so the poll is answered while a large file is checked.
 */
export function ImportProgressBar() {
  const api = useApi();
  const { t } = useI18n();
  const [p, setP] = useState<ImportProgress | null>(null);

  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      const r = await api.getImportProgress({});
      if (!stopped && r.ok) setP(r.value);
    };
    const timer = setInterval(() => void poll(), 300);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [api]);

  const stage = p && p.stage !== 'idle' ? p.stage : 'reading';
  const counted = p !== null && p.total > 0;
  return (
    <div className="import-progress" role="status" aria-live="polite" data-testid="import-progress">
      <span>{counted ? t('import.progress.rows', { done: p.done, total: p.total }) : t(`import.progress.${stage}`)}</span>
      {counted ? <progress max={p.total} value={p.done} /> : <progress />}
    </div>
  );
}
