"""Word lists the demo dossier draws its French clients, people, places and texts from."""

from __future__ import annotations

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
