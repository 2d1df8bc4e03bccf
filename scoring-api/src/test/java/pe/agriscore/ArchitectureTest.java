package pe.agriscore;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering of docs/architecture.md, checked on scoring-api's compiled main classes
 * (before issue #13: bundle, engine, json and scoring formed one cycle).
 */
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
        .importPackages("pe.agriscore");
  }

  /** Each package is its own slice: {@code pe.(**)} captures the whole package name. */
  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("pe.(**)").should().beFreeOfCycles().check(classes);
  }

  /** The entry point is the top layer: the library itself never calls back into it. */
  @Test
  void nothingDependsOnTheEntryPointPackage() {
    noClasses().that().resideOutsideOfPackage("pe.agriscore")
        .should().dependOnClassesThat().resideInAPackage("pe.agriscore")
        .check(classes);
  }

  /** The JSON mapper and text helpers are the bottom layer. */
  @Test
  void theInternalHelpersDependOnNoOtherAgriScorePackage() {
    noClasses().that().resideInAPackage("pe.agriscore.internal")
        .should().dependOnClassesThat(resideInAPackage("pe.agriscore..")
            .and(not(resideInAPackage("pe.agriscore.internal"))))
        .check(classes);
  }
}
