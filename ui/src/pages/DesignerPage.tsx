export default function DesignerPage() {
  return <div className="page">DesignerPage</div>;
}
