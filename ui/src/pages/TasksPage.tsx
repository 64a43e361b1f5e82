export default function TasksPage() {
  return <div className="page">TasksPage</div>;
}
