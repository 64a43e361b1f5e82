export default function BoardPage() {
  return <div className="page">BoardPage</div>;
}
