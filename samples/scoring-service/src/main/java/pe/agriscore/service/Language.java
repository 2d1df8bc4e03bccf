package pe.agriscore.service;

import java.util.Locale;

/**
 * The language of a score's {@code message} fields, chosen by {@code Accept-Language}: {@code
 * es-PE} (the default, also for {@code *}, a missing or unreadable header, or no language
 * offered) or {@code en}. Both wordings stay in {@code es} and {@code en} whatever is chosen.
 */
enum Language {
  ES("es-PE"),
  EN("en");

  private final String tag;

  Language(String tag) {
    this.tag = tag;
  }

  /** The BCP 47 tag sent back as {@code Content-Language}. */
  String tag() {
    return tag;
  }

  /** The first of es or en, in the header's order of preference, with a weight above 0. */
  static Language of(String acceptLanguage) {
    if (acceptLanguage == null || acceptLanguage.isBlank()) {
      return ES;
    }
    try {
      for (Locale.LanguageRange r : Locale.LanguageRange.parse(acceptLanguage)) {
        if (r.getWeight() <= 0) {
          continue;
        }
        String primary = r.getRange().split("-", 2)[0];
        if (primary.equals("en")) {
          return EN;
        }
        if (primary.equals("es") || primary.equals("*")) {
          return ES;
        }
      }
    } catch (IllegalArgumentException unreadable) {
      // An unreadable header is no reason to refuse a score: the default language serves.
    }
    return ES;
  }
}
