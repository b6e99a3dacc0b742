"""The built-in node kinds, one per module; :data:`DEFAULT` is the registry the compiler uses."""

from zoo.compiler.kinds import (
    context,
    hypernetwork,
    input,
    interaction_network,
    linear,
    mechanism_bank,
    mlp,
    parameter,
    reparameterize,
    residual,
    router,
    slot_decoder,
    slot_encoder,
)
from zoo.compiler.registry import Registry

DEFAULT = Registry(
    [
        input.KIND,
        parameter.KIND,
        linear.KIND,
        mlp.KIND,
        context.KIND,
        mechanism_bank.KIND,
        residual.KIND,
        router.KIND,
        hypernetwork.KIND,
        interaction_network.KIND,
        slot_encoder.KIND,
        reparameterize.KIND,
        slot_decoder.KIND,
    ]
)
