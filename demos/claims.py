"""The lecture's claims, one ID each (copied from the lecture's claim list), for findings.json and index.html.

A demo's ``Finding`` names the claim it measures by its ID (``claim="C05"``); the tour gathers them
per claim, and lists a claim no demo shows as "not shown". The number in brackets is the lecture's section.
"""

CLAIMS: dict[str, str] = {
    "C01": "Zero initialisation makes all neurons learn the same features, so training is ineffective (0.1)",
    "C02": "Constant initialisation has the same symmetry problem (0.1)",
    "C03": ("Uniform initialisation draws weights from a uniform distribution; \"less commonly used\" "
            "than normal (0.1)"),
    "C04": "Normal (random) initialisation breaks the symmetry, so neurons learn different features (0.1)",
    "C05": ("Xavier/Glorot (variance 1/n) suits sigmoid and tanh: it keeps the variance of activations "
            "across layers (0.1)"),
    "C06": "He (variance 2/n) suits ReLU and leaky ReLU and prevents vanishing gradients (0.1)",
    "C07": "Orthogonal initialisation preserves gradient norms in deep networks (0.1)",
    "C08": "Good initialisation prevents vanishing or exploding gradients and speeds up convergence (0.1)",
    "C09": ("Forward propagation: each layer computes z = W h + b, then h = f(z); the last layer gives "
            "the prediction (0.2)"),
    "C10": "MSE amplifies large errors, so it is sensitive to outliers (0.3.1)",
    "C11": "MSE is differentiable, and ideal when the targets are Gaussian around the truth (0.3.1)",
    "C12": "MAE is less sensitive to outliers than MSE (0.3.1)",
    "C13": "MAE is not differentiable where the error is 0, which makes optimisation trickier (0.3.1)",
    "C14": ("Huber is quadratic for small errors and linear for large ones: robust to outliers, yet "
            "differentiable (0.3.1)"),
    "C15": "Huber's delta sets where it turns from MSE-like to MAE-like (0.3.1)",
    "C16": "Binary cross-entropy suits binary labels and rewards confident correct predictions (0.3.2)",
    "C17": "Binary cross-entropy punishes confident wrong predictions heavily (the log penalty) (0.3.2)",
    "C18": ("Softmax turns scores into probabilities that sum to 1; categorical cross-entropy trains "
            "the correct class's probability up (0.3.2)"),
    "C19": "Softmax cross-entropy is not suitable for multi-label problems (0.3.3)",
    "C20": ("Backprop is the chain rule: dL/dw = dL/da · da/dz · dz/dw, applied from the output back to"
            " the input (0.4.1)"),
    "C21": "The update w <- w - eta dL/dw, repeated, minimises the loss (0.4, 0.4.2)",
    "C22": ("Where the gradient is zero, the model stops learning; a steeper slope gives a bigger step "
            "(0.4.2)"),
    "C23": "A small learning rate converges slowly (0.4.2)",
    "C24": "Too large a learning rate overshoots the minimum (0.4.2)",
    "C25": "SGD (one example per update) makes cheap but noisy, high-variance updates (0.4.2)",
    "C26": "SGD's noisy updates can escape local minima (0.4.2)",
    "C27": "Mini-batch gradient descent reduces the variance of the updates at a reasonable cost (0.4.2)",
    "C28": "Mini-batch gradient descent converges faster than SGD (0.4.2)",
    "C29": "Momentum (alpha about 0.9) reduces oscillations and speeds up convergence (0.4.2)",
    "C30": "Momentum carries the optimiser through flat areas and noisy gradients (0.4.2)",
    "C31": "Momentum helps escape local minima (0.4.2)",
}
