package org.tapline.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * How the command line looks to a tcpdump user: help shows {@code -i IFACE}, as tcpdump(8),
 * rpcapd(8) and etherpuppet write it (long options keep {@code --speed=X}, as GNU tools write
 * them; both spellings parse), and a usage error is one line and a pointer to --help, as GNU
 * tools print it, with exit status 2.
 */
final class Usage {
    static final int EXIT_USAGE = 2;

    private Usage() {}

    /** Installs the help layout and the usage-error handler on {@code cl} and its subcommands. */
    static void install(CommandLine cl) {
        cl.setHelpFactory(TaplineHelp::new);
        cl.setParameterExceptionHandler(Usage::error);
    }

    private static int error(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("tapline: " + message(e));
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return EXIT_USAGE;
    }

    /** picocli's message in the GNU tools' words: {@code unknown option '-Z'}. */
    static String message(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().getFirst();
            return (u.isUnknownOption() ? "unknown option '" : "unexpected argument '") + first + "'";
        }
        if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()) {
            return "missing " + m.getMissing().stream().map(Usage::describe).collect(Collectors.joining(", "));
        }
        String m = String.valueOf(e.getMessage()).strip();
        // picocli names Java types: "'abc' is not a long".
        m = m.replace("is not a long", "is not a whole number").replace("is not an int", "is not a whole number")
                .replace("is not a double", "is not a number");
        if (m.length() > 1 && Character.isUpperCase(m.charAt(0)) && Character.isLowerCase(m.charAt(1))) {
            m = Character.toLowerCase(m.charAt(0)) + m.substring(1);
        }
        return m;
    }

    /** {@code '-i IFACE'}, {@code '--speed=X'} or {@code 'FILE'}. */
    private static String describe(ArgSpec a) {
        if (a instanceof OptionSpec o) {
            String name = o.longestName();
            return "option '" + name + (o.arity().max() == 0 ? "" : spacing(o) + o.paramLabel()) + "'";
        }
        return "argument '" + a.paramLabel() + "'";
    }

    /** A space after a short (single-dash) option, '=' after a long one. */
    private static String spacing(OptionSpec o) {
        return o.longestName().startsWith("--") ? "=" : " ";
    }

    /**
     * picocli's help with two changes: option parameters after a space where the option is short
     * (picocli's separator is both the parser's and the help's, so the parser keeps '='), and a
     * command list that shows each command's first sentence, not its description's first line.
     */
    private static final class TaplineHelp extends CommandLine.Help {
        /** picocli's option list columns: required marker, short option, separator, long option and label, description. */
        private static final int LABEL_COLUMN = 3;
        /** Between an option and its label in the synopsis, so that a line never ends between them ("[-c" / "host:port]"). */
        private static final String NO_BREAK = "\u00a0";
        private boolean inSynopsis;

        TaplineHelp(CommandSpec spec, ColorScheme scheme) {
            super(spec, scheme);
        }

        @Override
        public IParamLabelRenderer parameterLabelRenderer() {
            IParamLabelRenderer standard = super.parameterLabelRenderer();
            String sep = standard.separator();
            return new IParamLabelRenderer() {
                /** {@code =LABEL} becomes {@code " LABEL"}, {@code [=LABEL]} {@code " [LABEL]"}, after a short option. */
                @Override
                public Ansi.Text renderParameterLabel(ArgSpec arg, Ansi ansi, List<Ansi.IStyle> styles) {
                    Ansi.Text t = standard.renderParameterLabel(arg, ansi, styles);
                    String plain = t.plainString();
                    if (!(arg instanceof OptionSpec o) || spacing(o).equals(sep)) {
                        return t;
                    }
                    String space = inSynopsis ? NO_BREAK : " ";
                    if (plain.startsWith(sep)) {
                        return ansi.text(space).concat(ansi.apply(plain.substring(sep.length()), styles));
                    }
                    if (plain.startsWith("[" + sep)) {
                        return ansi.text(space + "[").concat(ansi.apply(plain.substring(1 + sep.length()), styles));
                    }
                    return t;
                }

                /**
                 * What the option list puts between a lone short option and its label (the parser
                 * has its own separator, '=').
                 */
                @Override
                public String separator() {
                    return " ";
                }
            };
        }

        @Override
        public String detailedSynopsis(int headingLength, Comparator<OptionSpec> order, boolean clusterBooleans) {
            inSynopsis = true;
            try {
                return super.detailedSynopsis(headingLength, order, clusterBooleans).replace(NO_BREAK, " ");
            } finally {
                inSynopsis = false;
            }
        }

        /**
         * The option list puts a lone short option, the separator and the label in three columns, and
         * indents the label by one unless the separator is '=': with a space for separator that would
         * make two. Here the indent is written into the label column's text, where it is wanted.
         */
        @Override
        public Layout createDefaultLayout(List<OptionSpec> options, List<PositionalParamSpec> positionals, ColorScheme scheme) {
            Layout standard = super.createDefaultLayout(options, positionals, scheme);
            standard.textTable().columns()[LABEL_COLUMN].indent = 0;
            return new Layout(scheme, standard.textTable(), standard.optionRenderer(), standard.parameterRenderer()) {
                @Override
                public void layout(ArgSpec arg, Ansi.Text[][] rows) {
                    Ansi.Text[] first = rows.length > 0 && rows[0].length > LABEL_COLUMN ? rows[0] : null;
                    if (first != null && !first[LABEL_COLUMN].plainString().isEmpty()
                            && !first[LABEL_COLUMN - 1].plainString().equals(" ")) {
                        first[LABEL_COLUMN] = scheme.ansi().text(" ").concat(first[LABEL_COLUMN]);
                    }
                    super.layout(arg, rows);
                }
            };
        }

        @Override
        public String commandList(Map<String, CommandLine.Help> subcommands) {
            Map<String, CommandLine.Help> summaries = new LinkedHashMap<>();
            for (Map.Entry<String, CommandLine.Help> e : subcommands.entrySet()) {
                CommandSpec real = e.getValue().commandSpec();
                CommandSpec shown = CommandSpec.create().name(real.name()).aliases(real.aliases());
                shown.usageMessage().hidden(real.usageMessage().hidden()).description(firstSentence(real.usageMessage()));
                summaries.put(e.getKey(), new CommandLine.Help(shown, colorScheme()));
            }
            return super.commandList(summaries);
        }

        /** The header if there is one, else the description's lines up to the end of its first sentence. */
        private static String firstSentence(CommandLine.Model.UsageMessageSpec usage) {
            if (usage.header().length > 0) {
                return usage.header()[0];
            }
            List<String> words = new ArrayList<>();
            for (String line : usage.description()) {
                words.add(line.strip());
                if (line.strip().endsWith(".")) {
                    break;
                }
            }
            return String.join(" ", words);
        }
    }
}
