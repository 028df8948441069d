import { createContext, useContext, type ReactNode } from 'react';
import type { PosApi } from '../../../shared/api/client';
import type { ApiKind } from './selectApi';

const ApiContext = createContext<{ api: PosApi; kind: ApiKind } | null>(null);

export function ApiProvider({ value, children }: { value: { api: PosApi; kind: ApiKind }; children: ReactNode }) {
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

export function useApi(): PosApi {
  const v = useContext(ApiContext);
  if (!v) throw new Error('useApi outside ApiProvider');
  return v.api;
}
