import { SelectTables } from '../_wizard/select-tables.tsx';

export default function TablesStep() {
  return <SelectTables />;
}
