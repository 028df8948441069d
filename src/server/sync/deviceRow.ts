/** A till as the program keeps it (the `devices` row). */
export interface DeviceRow {
  device_id: string;
  merchant_id: string;
  public_key: string;
  head_seq: number;
  head_hash: string;
  active: number;
  enrolled_at: string;
  last_time: string | null;
}
