package org.tapline.lab;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test method a fresh {@link Lab} parameter and closes it after the test, whatever the
 * outcome. Lab tests need root (CI runs as root); without it they fail with a clear message.
 */
public final class LabExtension implements ParameterResolver, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LabExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == Lab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        if (!org.tapline.os.Privileges.isRoot()) {
            throw new IllegalStateException("lab tests create network namespaces and need root");
        }
        return c.getStore(NS).getOrComputeIfAbsent("lab", k -> new Lab(), Lab.class);
    }

    @Override
    public void afterEach(ExtensionContext c) {
        Lab lab = c.getStore(NS).remove("lab", Lab.class);
        if (lab != null) {
            lab.close();
        }
    }
}
