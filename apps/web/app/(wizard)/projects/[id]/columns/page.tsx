import { MapColumns } from '../_wizard/map-columns.tsx';

export default function ColumnsStep() {
  return <MapColumns />;
}
