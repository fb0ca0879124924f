/**
 * VS Code's progress notification takes increments, the engine sends an overall fraction (src/engine/progress.ts):
 * this turns one into the other and keeps the bar from moving backwards.
 */
export class ProgressMeter {
  private reported = 0;

  /** The increment (in percent) to report; 0 when the fraction did not grow. */
  advance(fraction: number | undefined): number {
    if (fraction === undefined || fraction <= this.reported) return 0;
    const increment = (fraction - this.reported) * 100;
    this.reported = fraction;
    return increment;
  }

  get fraction(): number {
    return this.reported;
  }
}
