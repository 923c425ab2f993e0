"""The presentation: the engine core at work, for people to read and look at.

    steps   backward_steps: backward as a list of Step records, one per edge
    names   what every node is called, and the order it is shown in
    draw    draw: the graph as a Graphviz picture, the chain rule on its edges
    frames  one picture per step of backward, the graph laid out once for all of them
    page    the self-contained step-through web page, the graph laid out once
    explain explain(out): that page in Python and inline in notebooks
    cli     python -m autograd explain "EXPR" x=...

It reads the core (``autograd.engine``, ``autograd.backward``, ``autograd.rules``); the
core never reads it. Each module here imports only those below it in this list.
"""
