"""A network that learns the preset: the default network cannot learn some presets (the
spirals), so choosing one switches to a bigger network, or offers it in the banner when
the user has designed a network of their own (engine/advice.py says which)."""

from __future__ import annotations

from backprop_lab.engine.advice import Offer, is_default_network, offer_for

from .banner import Banner
from .controller import EngineController
from .panels import Panels


class NetworkOffers:
    def __init__(self, panels: Panels, controller: EngineController, banner: Banner):
        self.panels = panels
        self.controller = controller
        self.banner = banner

    def offer_network(self, preset: str | None) -> Offer | None:
        """Switch to the offered network when the network is still the default, else offer
        it in the banner. Returns the offer, if there is one."""
        offer = offer_for(preset)
        if offer is None:
            return None
        spec = self.panels.network.spec()
        if spec.hidden == offer.hidden and set(spec.activations) == {offer.activation}:
            return offer
        if is_default_network(spec):
            self.use_network(offer)
            self.banner.show_message(f"{offer.reason}: switched to {offer.label}.", "info")
        else:
            self.banner.show_message(
                f"{offer.reason}. Use {offer.label}?",
                "info",
                (f"Use {offer.label}", lambda: self.use_network(offer)),
            )
        return offer

    def use_network(self, offer: Offer) -> None:
        """Apply an offered network and learning rate (panels and engine)."""
        network, training = self.panels.network, self.panels.training
        network.set_spec(offer.spec(network.spec()), emit=True)
        training.set_hyper(offer.hyper(training.hyper()))
        self.controller.set_hyper(training.hyper())
