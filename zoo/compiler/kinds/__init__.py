"""The built-in node kinds, one per module; :data:`DEFAULT` is the registry the compiler uses."""

from zoo.compiler.kinds import (
    concat,
    context,
    embedding,
    features,
    hypernetwork,
    input,
    interaction_network,
    linear,
    lstm,
    mechanism_bank,
    mlp,
    parameter,
    reparameterize,
    residual,
    rims,
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
        features.KIND,
        concat.KIND,
        mechanism_bank.KIND,
        residual.KIND,
        router.KIND,
        hypernetwork.KIND,
        interaction_network.KIND,
        embedding.KIND,
        rims.KIND,
        lstm.KIND,
        slot_encoder.KIND,
        reparameterize.KIND,
        slot_decoder.KIND,
    ]
)
