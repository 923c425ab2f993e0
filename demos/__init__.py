"""The demo tour of chainrule: every claim of a deep-learning lecture, shown as a reproducible experiment.

    python -m demos                 # all eleven, in order; pictures and out/index.html in out/
    python -m demos.NAME --help     # one of them: chain_rule, training_loop, multiclass,
                                    # learning_rate, initialization, losses, optimizers,
                                    # double_well, optimizer_paths, diagnose, digits

Each demo module trains real networks with chainrule's engine (``autograd``) and its
network package (``nn``), draws pictures with matplotlib (or the library's own graph
pictures) and returns its findings as data: ``module.run(out, settings) -> list[Finding]``.
The demos hold no library logic: they call the library and lay out what it returns.
"""

DEMOS = ("chain_rule", "training_loop", "multiclass", "learning_rate", "initialization", "losses",
         "optimizers", "double_well", "optimizer_paths", "diagnose", "digits")
