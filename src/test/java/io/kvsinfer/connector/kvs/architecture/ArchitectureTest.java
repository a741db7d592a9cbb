package io.kvsinfer.connector.kvs.architecture;

import org.apache.flink.annotation.Experimental;
import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The rules that keep the house in shape: which package may import which, and a public API that
 * never hands out an internal type. See docs/architecture.md for the picture they guard.
 */
class ArchitectureTest {

    private static final String BASE = "io.kvsinfer.connector.kvs";

    /** The connector: what its jar holds. */
    private static final JavaClasses CONNECTOR =
            new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages(BASE);

    /** LocalKvs itself, without the tests that live beside it. */
    private static final JavaClasses LOCAL_KVS =
            new ClassFileImporter()
                    .withImportOption(
                            location ->
                                    !location.matches(
                                            java.util.regex.Pattern.compile(
                                                    ".*(Test|ITCase|Benchmark)(\\$.*)?\\.class")))
                    .importPackages(BASE + ".localkvs");

    @Test
    void localKvsNeverImportsTheConnector() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        BASE + ".source..",
                        BASE + ".hls..",
                        BASE + ".decoder..",
                        BASE + ".testing..",
                        BASE + ".examples..")
                .because(
                        "LocalKvs models the real service; sharing the client's types would let it"
                            + " accept exactly what the client sends and hide a drift from the real"
                            + " API")
                .check(LOCAL_KVS);
    }

    @Test
    void theHlsClientAndTheDecoderStayBelowTheSource() {
        noClasses()
                .that()
                .resideInAnyPackage(BASE + ".hls..", BASE + ".decoder..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(BASE + ".source..")
                .because(
                        "the source builds on the HLS client and the decoder, not the other way"
                                + " round")
                .check(CONNECTOR);
        noClasses()
                .that()
                .resideInAPackage(BASE + ".hls..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(BASE + ".decoder..")
                .check(CONNECTOR);
        noClasses()
                .that()
                .resideInAPackage(BASE + ".decoder..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(BASE + ".hls..")
                .check(CONNECTOR);
    }

    @Test
    void theConnectorNeedsNeitherLocalKvsNorJavaCvsRecorder() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        BASE + ".localkvs..",
                        BASE + ".testing..",
                        BASE + ".examples..",
                        "org.bytedeco.javacv..")
                .because(
                        "the connector decodes with FFmpeg through JavaCPP; JavaCV's recorder"
                                + " serves only LocalKvs's synthetic camera, on the test side")
                .check(CONNECTOR);
    }

    @Test
    void everyPublicClassSaysWhetherItIsPublicApi() {
        classes()
                .that()
                .arePublic()
                .and()
                .areTopLevelClasses()
                .should()
                .beAnnotatedWith(PublicEvolving.class)
                .orShould()
                .beAnnotatedWith(Experimental.class)
                .orShould()
                .beAnnotatedWith(Internal.class)
                .check(CONNECTOR);
    }

    @Test
    void thePublicApiExposesNoInternalType() {
        classes().that(arePublicApi()).should(exposeNoInternalTypes()).check(CONNECTOR);
    }

    private static DescribedPredicate<JavaClass> arePublicApi() {
        return DescribedPredicate.describe(
                "are public API",
                c -> c.getModifiers().contains(JavaModifier.PUBLIC) && isPublicApi(c));
    }

    private static boolean isPublicApi(JavaClass c) {
        JavaClass outer = c;
        while (outer.getEnclosingClass().isPresent()) {
            outer = outer.getEnclosingClass().get();
        }
        return outer.isAnnotatedWith(PublicEvolving.class)
                || outer.isAnnotatedWith(Experimental.class);
    }

    private static boolean isInternal(JavaClass c) {
        JavaClass outer = c;
        while (outer.getEnclosingClass().isPresent()) {
            outer = outer.getEnclosingClass().get();
        }
        return outer.getPackageName().startsWith(BASE) && outer.isAnnotatedWith(Internal.class);
    }

    private static ArchCondition<JavaClass> exposeNoInternalTypes() {
        return new ArchCondition<>("expose no @Internal type in a public or protected signature") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                List<String> leaks = new ArrayList<>();
                c.getRawSuperclass()
                        .filter(ArchitectureTest::isInternal)
                        .ifPresent(s -> leaks.add("extends " + s.getName()));
                c.getRawInterfaces().stream()
                        .filter(ArchitectureTest::isInternal)
                        .forEach(i -> leaks.add("implements " + i.getName()));
                for (JavaCodeUnit unit : c.getCodeUnits()) {
                    if (!isVisible(unit.getModifiers())) {
                        continue;
                    }
                    if (isInternal(unit.getRawReturnType())) {
                        leaks.add(
                                unit.getFullName()
                                        + " returns "
                                        + unit.getRawReturnType().getName());
                    }
                    unit.getRawParameterTypes().stream()
                            .filter(ArchitectureTest::isInternal)
                            .forEach(p -> leaks.add(unit.getFullName() + " takes " + p.getName()));
                }
                for (JavaField field : c.getFields()) {
                    if (isVisible(field.getModifiers()) && isInternal(field.getRawType())) {
                        leaks.add(field.getFullName() + " is a " + field.getRawType().getName());
                    }
                }
                for (String leak : leaks) {
                    events.add(SimpleConditionEvent.violated(c, c.getName() + ": " + leak));
                }
            }
        };
    }

    private static boolean isVisible(java.util.Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC)
                || modifiers.contains(JavaModifier.PROTECTED);
    }
}
