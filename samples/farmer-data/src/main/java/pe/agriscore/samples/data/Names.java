package pe.agriscore.samples.data;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Harmonises the names the reference extracts spell in different ways: department names differ in
 * case and accents between files (AMAZONAS, Apurímac, APURIMAC), and some product names are stored
 * in both composed and decomposed Unicode (two different byte strings for "plátano").
 */
final class Names {

  private Names() {}

  /** A product name: NFC, trimmed, lower case. "Plátano" (decomposed) becomes "plátano". */
  static String product(String raw) {
    return Normalizer.normalize(raw, Normalizer.Form.NFC).strip().toLowerCase(Locale.ROOT);
  }

  /**
   * A department id: accents removed, lower case, spaces as underscores. "San Martín" and "SAN
   * MARTIN" both become {@code san_martin}.
   */
  static String department(String raw) {
    String decomposed = Normalizer.normalize(raw.strip(), Normalizer.Form.NFD);
    return decomposed.replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT).replaceAll("\\s+", "_");
  }
}
