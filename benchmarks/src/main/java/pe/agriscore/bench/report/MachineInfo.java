package pe.agriscore.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The machine a report describes: processors, CPU model, memory, OS and load, read from {@code
 * /proc} on Linux (fields it cannot read say {@code unknown}).
 *
 * <pre>{@code
 * System.out.println(MachineInfo.current().describe());
 * // 2 CPUs (AMD EPYC 7B13), 23.4 GiB RAM, Linux 6.1.0, load average 0.31 0.52 0.60 when reported
 * }</pre>
 *
 * @param processors processors available to the JVM ({@code nproc})
 * @param cpuModel the first {@code model name} of {@code /proc/cpuinfo}
 * @param memoryGib {@code MemTotal} of {@code /proc/meminfo} in GiB, or NaN
 * @param os the OS name and kernel version
 * @param loadAverage the 1, 5 and 15 minute load averages of {@code /proc/loadavg}
 */
public record MachineInfo(
    int processors, String cpuModel, double memoryGib, String os, String loadAverage) {

  private static final String UNKNOWN = "unknown";

  /** This machine, now. */
  public static MachineInfo current() {
    return new MachineInfo(
        Runtime.getRuntime().availableProcessors(),
        procField(Path.of("/proc/cpuinfo"), "model name").orElse(UNKNOWN),
        procField(Path.of("/proc/meminfo"), "MemTotal")
            .map(v -> Double.parseDouble(v.replace("kB", "").trim()) / (1024 * 1024))
            .orElse(Double.NaN),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        readLoadAverage().orElse(UNKNOWN));
  }

  /** One line for the report. */
  public String describe() {
    String memory = Double.isNaN(memoryGib) ? "unknown RAM"
        : String.format(Locale.ROOT, "%.1f GiB RAM", memoryGib);
    return processors + " CPUs (" + cpuModel + "), " + memory + ", " + os + ", load average "
        + loadAverage + " when reported";
  }

  /** The value of the first {@code key : value} line of a /proc file. */
  private static Optional<String> procField(Path file, String key) {
    try {
      List<String> lines = Files.readAllLines(file);
      for (String line : lines) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
          return Optional.of(line.substring(colon + 1).trim());
        }
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> readLoadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f.length < 3 ? Optional.empty() : Optional.of(f[0] + " " + f[1] + " " + f[2]);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
