/** A Chart.js canvas (loaded with the market page only): bars and lines, redrawn when its data changes. */
import { BarController, BarElement, CategoryScale, Chart, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip, type ChartConfiguration } from "chart.js";

/** Bars (plain, or floating [low, high]) and lines over category labels. */
export type BarLineConfig = ChartConfiguration<"bar" | "line", (number | [number, number] | null)[], string>;
import { useEffect, useRef } from "preact/hooks";

Chart.register(BarController, BarElement, CategoryScale, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip);

export function ChartCanvas({ config, label, testid }: { config: BarLineConfig; label: string; testid: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = new Chart(ref.current, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } });
    return () => chart.destroy();
  }, [JSON.stringify(config.data), label]);
  return (
    <div class="chart">
      <canvas ref={ref} role="img" aria-label={label} data-testid={testid} />
    </div>
  );
}
