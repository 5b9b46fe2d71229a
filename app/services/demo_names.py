"""Who the demo dossier's clients are: French names, places and valid identifiers drawn from word lists."""

from __future__ import annotations

import random
import unicodedata
from typing import Any

from stdnum import luhn

Identity = dict[str, Any]

SURNAMES = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
    "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
    "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefebvre", "Faure",
    "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand",
    "Gauthier", "Garcia", "Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu",
    "Gautier", "Masson", "Marchand", "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer",
    "Dufour", "Meunier", "Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard",
    "Barbier", "Arnaud", "Martinez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin",
    "Vidal", "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix",
    "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc", "Payet", "Rolland",
    "Chabert", "Perret", "Berthet", "Pélissier", "Jacquet", "Bouvier", "Chapuis", "Vial", "Revol",
    "Chambon", "Bruyère", "Charrel", "Ducret", "Genevois", "Tardy", "Vernay", "Bessenay", "Guillot",
)

FIRST_NAMES = (
    "Jean", "Marie", "Pierre", "Nathalie", "Philippe", "Isabelle", "Michel", "Sylvie", "Alain", "Catherine",
    "Éric", "Sandrine", "Laurent", "Valérie", "Olivier", "Christine", "Stéphane", "Véronique", "Thierry",
    "Sophie", "Nicolas", "Céline", "Julien", "Aurélie", "Sébastien", "Émilie", "Christophe", "Hélène",
    "Frédéric", "Caroline", "David", "Claire", "Patrick", "Anne", "Vincent", "Camille", "Guillaume",
    "Julie", "François", "Laure", "Mathieu", "Pauline", "Antoine", "Élodie", "Romain", "Marion",
    "Benoît", "Agnès", "Jérôme", "Chloé", "Maxime", "Léa", "Bruno", "Manon", "Thomas", "Inès",
)

# Trades a Lyon workshop invoices: joinery, metalwork, fitting-out for firms, shops and builders.
TRADES = (
    "Boulangerie", "Garage", "Transports", "Menuiserie", "Charpente", "Plomberie", "Électricité",
    "Imprimerie", "Pharmacie", "Cabinet", "Agence", "Restaurant", "Hôtel", "Librairie", "Fromagerie",
    "Maçonnerie", "Serrurerie", "Carrosserie", "Couverture", "Peinture", "Paysages", "Traiteur",
    "Optique", "Clinique vétérinaire", "Chaudronnerie", "Métallerie", "Ébénisterie", "Miroiterie",
    "Architectes", "Bureau d'études", "Laboratoire", "Brasserie", "Domaine", "Caves", "Fonderie",
    "Tôlerie", "Décoration", "Agencement", "Ameublement", "Quincaillerie",
)

PLACES = (
    "du Rhône", "de la Saône", "des Monts d'Or", "du Beaujolais", "de Fourvière", "de la Croix-Rousse",
    "du Dauphiné", "des Alpes", "du Forez", "du Vieux-Lyon", "de la Presqu'île", "des Brotteaux",
    "du Pilat", "de la Dombes", "du Bugey", "de Gerland", "de la Part-Dieu", "des Terreaux",
)

INDUSTRY_WORDS = (
    "Industrie", "Services", "Logistique", "Conseil", "Bâtiment", "Distribution", "Ingénierie",
    "Technologies", "Équipements", "Habitat", "Solutions", "Environnement", "Systèmes", "Concept",
)

LEGAL_FORMS = ("SARL", "SAS", "SAS", "SARL", "SA", "EURL", "SASU")

# (city, postcode, telephone prefix): Lyon and the Auvergne-Rhône-Alpes region, a few further away.
CITIES = (
    ("Lyon", "69001", "04 78"), ("Lyon", "69002", "04 78"), ("Lyon", "69003", "04 72"),
    ("Lyon", "69004", "04 78"), ("Lyon", "69005", "04 78"), ("Lyon", "69006", "04 72"),
    ("Lyon", "69007", "04 72"), ("Lyon", "69008", "04 78"), ("Lyon", "69009", "04 78"),
    ("Villeurbanne", "69100", "04 72"), ("Vénissieux", "69200", "04 72"), ("Bron", "69500", "04 78"),
    ("Caluire-et-Cuire", "69300", "04 78"), ("Écully", "69130", "04 78"), ("Limonest", "69760", "04 78"),
    ("Meyzieu", "69330", "04 72"), ("Décines-Charpieu", "69150", "04 72"), ("Givors", "69700", "04 78"),
    ("Villefranche-sur-Saône", "69400", "04 74"), ("Vienne", "38200", "04 74"),
    ("Grenoble", "38000", "04 76"), ("Voiron", "38500", "04 76"), ("Bourgoin-Jallieu", "38300", "04 74"),
    ("Saint-Étienne", "42000", "04 77"), ("Roanne", "42300", "04 77"), ("Montbrison", "42600", "04 77"),
    ("Annecy", "74000", "04 50"), ("Chambéry", "73000", "04 79"), ("Bourg-en-Bresse", "01000", "04 74"),
    ("Mâcon", "71000", "03 85"), ("Valence", "26000", "04 75"), ("Clermont-Ferrand", "63000", "04 73"),
    ("Dijon", "21000", "03 80"), ("Paris", "75011", "01 43"), ("Marseille", "13002", "04 91"),
)

STREETS = (
    "rue de la République", "rue Garibaldi", "avenue Jean Jaurès", "cours Lafayette", "boulevard des Belges",
    "quai Perrache", "rue Mercière", "chemin des Vignes", "rue Victor Hugo", "avenue de Saxe",
    "rue Paul Bert", "rue Duguesclin", "avenue Berthelot", "rue de Marseille", "rue du Président Édouard Herriot",
    "route de Vienne", "rue des Tanneurs", "impasse des Artisans", "rue de l'Industrie", "zone artisanale des Prés",
    "avenue Général de Gaulle", "rue Pasteur", "place Bellecour", "rue Saint-Georges", "chemin du Moulin",
    "rue des Frères Lumière", "allée des Cèdres", "rue Juliette Récamier", "boulevard de la Croix-Rousse",
)

ADDRESS_EXTRAS = ("", "", "", "Bâtiment B", "ZI Nord", "BP 42", "2e étage", "Parc d'activités du Chêne")

CONTACT_ROLES = (
    "Comptabilité fournisseurs", "Responsable comptable", "Directeur administratif et financier",
    "Gérant", "Assistante de direction", "Service achats",
)

SECOND_ROLES = ("Gérant", "Directrice générale", "Responsable achats", "Conducteur de travaux")

CONSUMER_MAIL_DOMAINS = ("orange.fr", "free.fr", "gmail.com", "laposte.net", "sfr.fr", "wanadoo.fr")

# The one client abroad writes in English (letters and e-mails in English).
ENGLISH_CLIENT = {
    "name": "Harrowgate Interiors Ltd",
    "address_line1": "27 Clerkenwell Road",
    "postcode": "EC1M 5RN",
    "city": "London",
    "country": "GB",
    "contact": "Emma Whitfield",
    "role": "Accounts payable",
    "email": "accounts@harrowgate-interiors.co.uk",
    "phone": "+44 20 7946 0321",
}

DO_NOT_REMIND_REASONS = (
    "Grand compte : relances gérées par la direction commerciale",
    "Client en redressement judiciaire : créance déclarée au mandataire",
    "Contrat-cadre en renégociation, ne pas relancer avant accord",
)

WRITE_OFF_REASONS = (
    "Client en liquidation judiciaire : créance irrécouvrable",
    "Montant non recouvré après mise en demeure, abandon de créance",
)

DISPUTE_NOTES = {
    "price": "Le client conteste le prix unitaire appliqué sur le devis.",
    "quantity": "Écart de quantité entre le bon de livraison et la facture.",
    "quality": "Réserves émises à la réception : finitions à reprendre.",
    "not_received": "Le client indique ne pas avoir reçu la marchandise.",
    "already_paid": "Le client affirme avoir déjà réglé cette facture.",
}

CALL_OUTCOMES = (
    "Messagerie, message laissé",
    "Client joint : paiement en cours de validation",
    "Client joint : facture non reçue, renvoyée par e-mail",
    "Interlocuteur absent, rappeler",
    "Client joint : attend le bon à payer interne",
)

USERS = ("Claire Durand", "Marc Durand")


def randint(rng: random.Random, low: int, high: int) -> int:
    """``rng.randint`` without its argument checks: the large demo calls it a million times."""
    return low + int(rng.random() * (high - low + 1))


def slug(text: str, sep: str = "") -> str:
    """``"Bureau d'études"`` → ``"Bureau d etudes"`` words joined by ``sep``, accents and punctuation dropped."""
    ascii_text = "".join(char for char in unicodedata.normalize("NFKD", text) if char.isascii())
    return sep.join("".join(char if char.isalnum() else " " for char in ascii_text).split())


def phone(rng: random.Random, prefix: str) -> str:
    """``04 78`` → ``04 78 12 34 56``."""
    return f"{prefix} {randint(rng, 10, 99)} {randint(rng, 10, 99)} {randint(rng, 10, 99)}"


def mobile(rng: random.Random) -> str:
    return phone(rng, f"06 {randint(rng, 10, 99)}")


def siren(rng: random.Random) -> str:
    """A SIREN with a valid Luhn check digit."""
    body = str(randint(rng, 3, 9)) + "".join(str(randint(rng, 0, 9)) for _ in range(7))
    return body + luhn.calc_check_digit(body)


def vat_number(siren_number: str) -> str:
    """The French intra-community VAT number of a SIREN (key = (12 + 3 × (SIREN mod 97)) mod 97)."""
    return f"FR{(12 + 3 * (int(siren_number) % 97)) % 97:02d}{siren_number}"


def account_code(key: str, taken: set[str]) -> str:
    """``411DUPONT``, then ``411DUPONT2`` for the next Dupont."""
    base = "411" + slug(key).upper()[:9]
    code, number = base, 1
    while code in taken:
        number += 1
        code = f"{base}{number}"
    taken.add(code)
    return code


def identity(rng: random.Random, *, english: bool, consumer: bool, taken: set[str]) -> Identity:
    """Name, account key, address, billing contact and identifiers of one client; names are not repeated."""
    if english:
        return english_identity()
    if consumer:
        return consumer_identity(rng)
    for _attempt in range(20):
        found = company_identity(rng)
        if found["name"] not in taken:
            break
    else:
        found["name"] += f" ({found['city']})"
    taken.add(found["name"])
    return found


def company_identity(rng: random.Random) -> Identity:
    name, key = company_name(rng)
    domain = slug(name.rsplit(" ", 1)[0], "-").lower() + ".fr"
    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    person = f"{slug(first, '-')}.{slug(last, '-')}".lower()
    email = f"compta@{domain}" if rng.random() < 0.4 else f"{person}@{domain}"
    number = siren(rng)
    return {
        **address(rng), "name": name, "key": key, "siren": number, "vat_number": vat_number(number),
        "contact": f"{first} {last}", "role": rng.choice(CONTACT_ROLES), "email": email, "language": "fr",
        "is_consumer": False,
    }


def company_name(rng: random.Random) -> tuple[str, str]:
    """A believable French company name and the word its account code is made from."""
    surname, trade, form = rng.choice(SURNAMES), rng.choice(TRADES), rng.choice(LEGAL_FORMS)
    industry = rng.choice(INDUSTRY_WORDS)
    pattern = rng.choice((0, 0, 0, 1, 1, 2, 3, 4, 5))
    if pattern == 0:
        base, key = f"{trade} {surname}", surname
    elif pattern == 1:
        place = rng.choice(PLACES)
        base, key = f"{trade} {place}", slug(trade)[:4] + slug(place.split()[-1])
    elif pattern == 2:
        base, key = f"{surname} {rng.choice(('& Fils', 'Frères', 'et Associés'))}", surname
    elif pattern == 3:
        base, key = f"{surname} {industry}", surname
    elif pattern == 4:
        base, key = f"Ets {surname}", surname
    else:
        initials = "".join(rng.choice(SURNAMES)[0] for _ in range(3))
        base, key = f"{initials} {industry}", initials + slug(industry)[:5]
    return f"{base} {form}", key


def consumer_identity(rng: random.Random) -> Identity:
    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    email = f"{slug(first, '-')}.{slug(last, '-')}".lower() + "@" + rng.choice(CONSUMER_MAIL_DOMAINS)
    return {
        **address(rng), "name": f"{first} {last}", "key": last, "siren": "", "vat_number": "",
        "contact": f"{first} {last}", "role": "Particulier", "email": email, "phone": mobile(rng),
        "language": "fr", "is_consumer": True,
    }


def english_identity() -> Identity:
    spec = ENGLISH_CLIENT
    return {
        "name": spec["name"], "key": "HARROWGATE", "siren": "", "vat_number": "",
        "address_line1": spec["address_line1"], "address_line2": "", "postcode": spec["postcode"],
        "city": spec["city"], "country": spec["country"], "contact": spec["contact"], "role": spec["role"],
        "email": spec["email"], "phone": spec["phone"], "language": "en", "is_consumer": False,
    }


def address(rng: random.Random) -> Identity:
    city, postcode, prefix = rng.choice(CITIES)
    return {
        "address_line1": f"{randint(rng, 1, 180)} {rng.choice(STREETS)}", "address_line2": rng.choice(ADDRESS_EXTRAS),
        "postcode": postcode, "city": city, "country": "FR", "phone": phone(rng, prefix),
    }


def second_contact(rng: random.Random, billing_email: str) -> Identity:
    """Someone else to reach at a company: the manager, the buyer."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    domain = billing_email.split("@")[1]
    return {
        "name": f"{first} {last}", "role": rng.choice(SECOND_ROLES),
        "email": f"{slug(first, '-')}.{slug(last, '-')}".lower() + f"@{domain}", "phone": mobile(rng),
    }
