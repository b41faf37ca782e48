package dev.echo.tck.rewrite;

import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The build-time half of running the Jakarta Concurrency TCK on Echo: copies the TCK jar into a
 * class directory, rewriting every place where a TCK class obtains the <em>default</em> managed
 * executor so that it goes through {@code dev.echo.tck.route.EchoTckRoute}:
 * <ul>
 *   <li>a JNDI look-up, {@code Context.lookup(String)} or {@code InitialContext.lookup(String)},
 *       becomes {@code EchoTckRoute.lookup(Context, String)}, which performs the same look-up and
 *       then, in the Echo run, answers Echo's CDI executor for the two default names
 *       ({@code java:comp/DefaultManagedExecutorService},
 *       {@code java:comp/DefaultManagedScheduledExecutorService}) and the container's object for
 *       every other name;</li>
 *   <li>a read of a field of type {@code ManagedExecutorService} or
 *       {@code ManagedScheduledExecutorService} that the container injects with the default
 *       ({@code @Resource} with no lookup, or a lookup of a default name) is followed by
 *       {@code EchoTckRoute.executor(..)} / {@code scheduledExecutor(..)}, which answers Echo in
 *       the Echo run.</li>
 * </ul>
 * Executors the TCK defines itself ({@code @ManagedExecutorDefinition}, deployment descriptors)
 * are left to the container: their tests assert the definition's own attributes.
 *
 * <p>The same rewritten classes run the control, where the route answers exactly what the
 * container gave: the two runs differ in nothing but the executor. A report lists every site
 * rewritten, so that a new TCK version that looks executors up another way shows up as a change
 * in the report instead of silently testing Liberty's executor.
 *
 * <p>Usage: {@code LookupRewriter <tck.jar> <output dir> <report file>}.
 */
public final class LookupRewriter {

    static final String ROUTE = "dev/echo/tck/route/EchoTckRoute";
    static final String MES = "Ljakarta/enterprise/concurrent/ManagedExecutorService;";
    static final String MSES = "Ljakarta/enterprise/concurrent/ManagedScheduledExecutorService;";
    static final Set<String> DEFAULT_NAMES = Set.of(
            "java:comp/DefaultManagedExecutorService", "java:comp/DefaultManagedScheduledExecutorService");
    private static final String RESOURCE = "Ljakarta/annotation/Resource;";
    private static final String LOOKUP_DESC = "(Ljava/lang/String;)Ljava/lang/Object;";

    /** What one rewrite did: the sites, by class, for the report and the tests. */
    public static final class Report {
        final Map<String, List<String>> sites = new TreeMap<>();
        final Set<String> routedFields = new TreeSet<>();
        final Set<String> unroutedFields = new TreeSet<>();

        void site(String className, String what) {
            sites.computeIfAbsent(className, k -> new ArrayList<>()).add(what);
        }

        public Map<String, List<String>> sites() {
            return sites;
        }

        public Set<String> routedFields() {
            return routedFields;
        }

        public Set<String> unroutedFields() {
            return unroutedFields;
        }

        public int siteCount() {
            return sites.values().stream().mapToInt(List::size).sum();
        }

        String text() {
            StringBuilder b = new StringBuilder("# Executor look-ups of the TCK routed through EchoTckRoute\n");
            b.append("# fields injected with the default executor (each read is routed):\n");
            routedFields.forEach(f -> b.append("field ").append(f).append('\n'));
            b.append("# executor fields left to the container (the TCK's own definitions):\n");
            unroutedFields.forEach(f -> b.append("kept ").append(f).append('\n'));
            b.append("# sites:\n");
            sites.forEach((c, list) -> list.forEach(s -> b.append(c).append(": ").append(s).append('\n')));
            b.append("# total sites: ").append(siteCount()).append('\n');
            return b.toString();
        }
    }

    private LookupRewriter() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: LookupRewriter <tck.jar> <output dir> <report file>, got " + args.length + " arguments");
        }
        Report report = rewriteJar(Path.of(args[0]), Path.of(args[1]));
        if (report.routedFields.isEmpty() || report.siteCount() == 0) {
            throw new IllegalStateException("no executor look-up found in " + args[0] + ": the TCK changed how it finds executors");
        }
        Files.createDirectories(Path.of(args[2]).toAbsolutePath().getParent());
        Files.writeString(Path.of(args[2]), report.text());
    }

    /** Rewrites every class of {@code jar} into {@code out} and copies its other entries. */
    public static Report rewriteJar(Path jar, Path out) throws IOException {
        Map<String, byte[]> classes = new TreeMap<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry e : java.util.Collections.list(file.entries())) {
                if (e.isDirectory()) {
                    continue;
                }
                byte[] bytes;
                try (InputStream in = file.getInputStream(e)) {
                    bytes = in.readAllBytes();
                }
                if (e.getName().endsWith(".class")) {
                    classes.put(e.getName().substring(0, e.getName().length() - ".class".length()), bytes);
                } else {
                    write(out.resolve(e.getName()), bytes);
                }
            }
        }
        Report report = new Report();
        Map<String, byte[]> rewritten = rewrite(classes, report);
        for (var e : rewritten.entrySet()) {
            write(out.resolve(e.getKey() + ".class"), e.getValue());
        }
        return report;
    }

    /** Rewrites a set of classes (internal name to bytes); the classes see each other's fields. */
    public static Map<String, byte[]> rewrite(Map<String, byte[]> classes, Report report) {
        Map<String, String> superOf = new HashMap<>();
        Map<String, String> routed = new HashMap<>(); // "owner.name" -> descriptor
        for (var e : classes.entrySet()) {
            new ClassReader(e.getValue()).accept(new FieldSurvey(e.getKey(), superOf, routed, report),
                    ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        }
        Map<String, byte[]> out = new TreeMap<>();
        for (var e : classes.entrySet()) {
            ClassReader reader = new ClassReader(e.getValue());
            // no COMPUTE_FRAMES: every rewrite keeps the stack map valid (a static call that
            // consumes and produces the same types), so the existing frames stay correct
            ClassWriter writer = new ClassWriter(reader, 0);
            reader.accept(new Rewrite(writer, e.getKey(), superOf, routed, report), 0);
            out.put(e.getKey(), writer.toByteArray());
        }
        return out;
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** First pass: which executor fields the container fills with a default executor. */
    private static final class FieldSurvey extends ClassVisitor {
        private final String owner;
        private final Map<String, String> superOf;
        private final Map<String, String> routed;
        private final Report report;

        FieldSurvey(String owner, Map<String, String> superOf, Map<String, String> routed, Report report) {
            super(Opcodes.ASM9);
            this.owner = owner;
            this.superOf = superOf;
            this.routed = routed;
            this.report = report;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            if (superName != null) {
                superOf.put(name, superName);
            }
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            if (!MES.equals(descriptor) && !MSES.equals(descriptor)) {
                return null;
            }
            String field = owner + "." + name;
            return new FieldVisitor(Opcodes.ASM9) {
                @Override
                public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                    if (!RESOURCE.equals(annotation)) {
                        return null;
                    }
                    Map<String, Object> values = new HashMap<>();
                    return new AnnotationVisitor(Opcodes.ASM9) {
                        @Override
                        public void visit(String key, Object v) {
                            values.put(key, v);
                        }

                        @Override
                        public void visitEnd() {
                            Object lookup = values.get("lookup");
                            boolean isDefault = (lookup == null || "".equals(lookup) || DEFAULT_NAMES.contains(lookup))
                                    && values.get("name") == null && values.get("mappedName") == null;
                            if (isDefault) {
                                routed.put(field, descriptor);
                                report.routedFields.add(field + " " + values);
                            } else {
                                report.unroutedFields.add(field + " " + values);
                            }
                        }
                    };
                }
            };
        }
    }

    /** Second pass: the calls and field reads themselves. */
    private static final class Rewrite extends ClassVisitor {
        private final String owner;
        private final Map<String, String> superOf;
        private final Map<String, String> routed;
        private final Report report;

        Rewrite(ClassVisitor next, String owner, Map<String, String> superOf, Map<String, String> routed, Report report) {
            super(Opcodes.ASM9, next);
            this.owner = owner;
            this.superOf = superOf;
            this.routed = routed;
            this.report = report;
        }

        @Override
        public MethodVisitor visitMethod(int access, String method, String descriptor, String signature, String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, method, descriptor, signature, exceptions);
            return new MethodVisitor(Opcodes.ASM9, next) {
                @Override
                public void visitMethodInsn(int opcode, String callee, String name, String desc, boolean isInterface) {
                    boolean jndi = "lookup".equals(name) && LOOKUP_DESC.equals(desc)
                            && (("javax/naming/Context".equals(callee) && opcode == Opcodes.INVOKEINTERFACE)
                            || ("javax/naming/InitialContext".equals(callee) && opcode == Opcodes.INVOKEVIRTUAL));
                    if (jndi) {
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, ROUTE, "lookup",
                                "(Ljavax/naming/Context;Ljava/lang/String;)Ljava/lang/Object;", false);
                        report.site(owner, method + ": " + callee + ".lookup");
                    } else {
                        super.visitMethodInsn(opcode, callee, name, desc, isInterface);
                    }
                }

                @Override
                public void visitFieldInsn(int opcode, String fieldOwner, String name, String desc) {
                    super.visitFieldInsn(opcode, fieldOwner, name, desc);
                    if ((opcode == Opcodes.GETFIELD || opcode == Opcodes.GETSTATIC) && declaredRouted(fieldOwner, name, desc)) {
                        boolean scheduled = MSES.equals(desc);
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, ROUTE, scheduled ? "scheduledExecutor" : "executor",
                                "(" + desc + ")" + desc, false);
                        report.site(owner, method + ": read of " + fieldOwner + "." + name);
                    }
                }
            };
        }

        /** The field as javac names it may be inherited: walk up to the class declaring it. */
        private boolean declaredRouted(String fieldOwner, String name, String desc) {
            if (!MES.equals(desc) && !MSES.equals(desc)) {
                return false;
            }
            for (String c = fieldOwner; c != null; c = superOf.get(c)) {
                if (routed.containsKey(c + "." + name)) {
                    return true;
                }
            }
            return false;
        }
    }
}
