package pe.agriscore.bench;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Walks a power-of-two pool of requests, one position per benchmark thread, so consecutive calls
 * score different applicants without contending on a shared counter.
 *
 * <pre>{@code
 * @Benchmark
 * public CreditScore score(Cursor cursor) {
 *   return scorer.score(requests[cursor.next(requests.length - 1)]);
 * }
 * }</pre>
 */
@State(Scope.Thread)
public class Cursor {

  private int position;

  /** The next index, wrapped with {@code mask} (pool size minus one). */
  public int next(int mask) {
    return position++ & mask;
  }
}
