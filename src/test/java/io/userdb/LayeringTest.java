package io.userdb;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * The architecture, held by the build: packages by job, with dependencies pointing one way. {@code
 * io.userdb} itself (the service's assembly, the entry point) may use every package.
 */
class LayeringTest {

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.userdb");

  /** Every package is a slice of its own, io.userdb itself and each db subpackage included. */
  @Test
  void no_package_cycles() {
    slices().assignedFrom(EACH_PACKAGE).should().beFreeOfCycles().check(MAIN);
  }

  private static final SliceAssignment EACH_PACKAGE =
      new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
          String name = javaClass.getPackageName();
          return name.startsWith("io.userdb") ? SliceIdentifier.of(name) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
          return "each package of io.userdb";
        }
      };

  @Test
  void the_api_knows_nothing_of_tomcat_setup_or_the_console() {
    noClasses()
        .that()
        .resideInAPackage("io.userdb.api..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.userdb.server..", "io.userdb.console..", "io.userdb.cli..")
        .check(MAIN);
  }

  @Test
  void configuration_knows_nothing_of_the_store_or_the_rest() {
    noClasses()
        .that()
        .resideInAPackage("io.userdb.config..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.userdb.db..",
            "io.userdb.auth..",
            "io.userdb.api..",
            "io.userdb.server..",
            "io.userdb.cli..",
            "io.userdb.console..")
        .check(MAIN);
  }

  @Test
  void the_store_depends_on_nothing_of_userdb_above_it() {
    noClasses()
        .that()
        .resideInAPackage("io.userdb.db..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.userdb.auth..",
            "io.userdb.api..",
            "io.userdb.server..",
            "io.userdb.cli..",
            "io.userdb.console..",
            "io.userdb.config..",
            "io.userdb.http..")
        .check(MAIN);
  }

  @Test
  void the_mark_of_failures_for_users_depends_on_nothing_of_userdb() {
    noClasses()
        .that()
        .resideInAPackage("io.userdb.failure..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.userdb",
            "io.userdb.db..",
            "io.userdb.auth..",
            "io.userdb.api..",
            "io.userdb.server..",
            "io.userdb.cli..",
            "io.userdb.console..",
            "io.userdb.config..",
            "io.userdb.http..",
            "io.userdb.files..")
        .check(MAIN);
  }

  @Test
  void only_the_sqlite_store_names_sqlite() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.userdb.db.sqlite..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.sqlite..")
        .check(MAIN);
  }

  @Test
  void only_the_postgres_store_names_pgjdbc() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.userdb.db.postgres..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.postgresql..")
        .check(MAIN);
  }

  /**
   * The seam: each kind of store sits in its own package, found through ServiceLoader, and nothing
   * outside reaches into it (the shared JDBC code included).
   */
  @Test
  void nothing_outside_a_store_package_reaches_into_it() {
    for (String[] store :
        new String[][] {
          {"io.userdb.db.sqlite..", "Sqlite"}, {"io.userdb.db.postgres..", "Postgres"}
        }) {
      noClasses()
          .that()
          .resideOutsideOfPackage(store[0])
          .should()
          .dependOnClassesThat()
          .resideInAPackage(store[0])
          .check(MAIN);
      noClasses()
          .that()
          .resideOutsideOfPackage(store[0])
          .should()
          .haveSimpleNameContaining(store[1])
          .check(MAIN);
    }
  }

  @Test
  void only_the_server_package_names_tomcat() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.userdb.server..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.catalina..", "org.apache.coyote..", "org.apache.tomcat..")
        .check(MAIN);
  }
}
