package org.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** --version names the version from the pom and the commit git named at build time (or says there was none). */
class VersionTest {
    @Test
    void namesTheVersionAndTheCommit() {
        String v = Version.ours();
        assertTrue(v.matches("tapline \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\((built from commit [0-9a-f]{7,}( with uncommitted changes)?"
                + "|built without git: commit unknown)\\)"), v);
    }
}
