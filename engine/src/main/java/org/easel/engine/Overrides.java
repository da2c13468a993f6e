package org.easel.engine;

/** Which optional {@link Node} hooks a node class really overrides (so the engine can skip the rest). */
public final class Overrides {
    private static final ClassValue<boolean[]> CACHE = new ClassValue<>() {
        @Override
        protected boolean[] computeValue(Class<?> type) {
            return new boolean[]{overrides(type, "fingerprint"), overrides(type, "validate")};
        }
    };

    private Overrides() {}

    public static boolean fingerprint(Node node) { return CACHE.get(node.getClass())[0]; }
    public static boolean validate(Node node) { return CACHE.get(node.getClass())[1]; }

    private static boolean overrides(Class<?> type, String method) {
        try {
            return type.getMethod(method, NodeInputs.class, Environment.class).getDeclaringClass() != Node.class;
        } catch (NoSuchMethodException e) {
            return true;
        }
    }
}
