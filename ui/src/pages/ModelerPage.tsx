export default function ModelerPage() {
  return <div className="page">ModelerPage</div>;
}
