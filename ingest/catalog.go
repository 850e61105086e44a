package ingest

// This file holds the fixed vocabularies of the TechStore data: the lists
// other parts of the project (the silver seeds, accepted_values tests) rely
// on, and the reference content the generator draws from.

// Countries lists, in this order, every value the generator writes into
// customers.country: full English names, exactly as written.
var Countries = []string{
	"Spain", "United States", "United Kingdom", "Germany", "France", "Italy", "Mexico",
	"Brazil", "Argentina", "Canada", "Portugal", "Netherlands", "Colombia", "Chile",
}

// PaymentMethods lists every non-NULL value of orders.payment_method.
var PaymentMethods = []string{"credit_card", "debit_card", "paypal", "bank_transfer", "apple_pay", "google_pay"}

// OrderStatuses lists every value of orders.status (the DDL's CHECK list).
var OrderStatuses = []string{"pending", "confirmed", "shipped", "delivered", "cancelled"}

// PaymentStatuses lists every value of orders.payment_status (the DDL's CHECK list).
var PaymentStatuses = []string{"pending", "completed", "failed", "refunded"}

// Category is one row of product_categories. ParentID is 0 for a top-level
// category (NULL in the table).
type Category struct {
	ID          int64
	Name        string
	ParentID    int64
	Description string
}

// Categories is the whole product_categories table, in id order: six
// top-level categories (ids 1-6) and thirteen subcategories (ids 7-19).
// products.category is always a top-level name and products.subcategory a
// subcategory name of that parent.
var Categories = []Category{
	{1, "Phones & Tablets", 0, "Smartphones and tablets"},
	{2, "Computers", 0, "Laptops, desktops and monitors"},
	{3, "Audio", 0, "Headphones and speakers"},
	{4, "Gaming", 0, "Consoles and gaming accessories"},
	{5, "Wearables", 0, "Smartwatches and fitness trackers"},
	{6, "Accessories", 0, "Chargers, cables and storage"},
	{7, "Smartphones", 1, "Unlocked smartphones"},
	{8, "Tablets", 1, "Tablets and e-readers"},
	{9, "Laptops", 2, "Notebooks, ultrabooks and gaming laptops"},
	{10, "Desktops", 2, "Desktop computers and mini PCs"},
	{11, "Monitors", 2, "Computer monitors"},
	{12, "Headphones", 3, "Wireless earbuds and over-ear headphones"},
	{13, "Speakers", 3, "Portable and smart speakers"},
	{14, "Consoles", 4, "Home and handheld game consoles"},
	{15, "Gaming Accessories", 4, "Controllers, headsets and gaming peripherals"},
	{16, "Smartwatches", 5, "Smartwatches"},
	{17, "Fitness Trackers", 5, "Activity and fitness trackers"},
	{18, "Chargers & Cables", 6, "Chargers, power banks and cables"},
	{19, "Storage", 6, "SSDs, memory cards and USB drives"},
}

// Brands lists every brand, in its canonical spelling. A products.brand
// value not in this list is a planted defect (same brand, wrong case).
var Brands = []string{
	"Apple", "Samsung", "Google", "Xiaomi", "OnePlus", "Motorola", "Lenovo", "Amazon",
	"Dell", "HP", "ASUS", "Acer", "Microsoft", "MSI", "LG", "BenQ", "Sony", "Bose",
	"JBL", "Sennheiser", "Nintendo", "Valve", "8BitDo", "Logitech", "Razer", "Garmin",
	"Fitbit", "Anker", "Belkin", "Ugreen", "SanDisk", "Kingston", "Crucial", "Huawei",
}

// countryInfo is what the generator knows about one country.
type countryInfo struct {
	name     string
	weight   int    // share of customers, relative
	lang     int    // index into nameSets
	dial     string // country calling code, without "+"
	national func(r *rng) []string
	vatBP    int64 // sales tax in basis points
	cities   []string
	domains  []string
}

const (
	langES = iota
	langEN
	langDE
	langFR
	langIT
	langPT
	langNL
)

func digits(r *rng, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// countries is indexed like Countries.
var countries = []countryInfo{
	{"Spain", 30, langES, "34", func(r *rng) []string { return []string{"6" + digits(r, 2), digits(r, 3), digits(r, 3)} }, 2100,
		[]string{"Madrid", "Barcelona", "Valencia", "Sevilla", "Zaragoza", "Málaga", "Bilbao", "Alicante", "Murcia", "Palma", "Valladolid", "Granada"},
		[]string{"gmail.com", "hotmail.es", "yahoo.es", "outlook.es", "telefonica.net"}},
	{"United States", 12, langEN, "1", func(r *rng) []string { return []string{digits(r, 3), digits(r, 3), digits(r, 4)} }, 700,
		[]string{"New York", "Los Angeles", "Chicago", "Houston", "Phoenix", "Seattle", "Boston", "Austin", "Miami", "Denver", "San Diego", "Atlanta"},
		[]string{"gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com"}},
	{"United Kingdom", 7, langEN, "44", func(r *rng) []string { return []string{"7" + digits(r, 3), digits(r, 6)} }, 2000,
		[]string{"London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Liverpool", "Bristol", "Edinburgh", "Sheffield", "Cardiff"},
		[]string{"gmail.com", "yahoo.co.uk", "hotmail.co.uk", "btinternet.com", "outlook.com"}},
	{"Germany", 7, langDE, "49", func(r *rng) []string { return []string{"15" + digits(r, 1), digits(r, 8)} }, 1900,
		[]string{"Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Stuttgart", "Düsseldorf", "Leipzig", "Dresden", "Hannover"},
		[]string{"gmail.com", "gmx.de", "web.de", "t-online.de", "outlook.de"}},
	{"France", 7, langFR, "33", func(r *rng) []string {
		return []string{r.Pick([]string{"6", "7"}), digits(r, 2), digits(r, 2), digits(r, 2), digits(r, 2)}
	}, 2000,
		[]string{"Paris", "Marseille", "Lyon", "Toulouse", "Nice", "Nantes", "Strasbourg", "Montpellier", "Bordeaux", "Lille"},
		[]string{"gmail.com", "orange.fr", "free.fr", "laposte.net", "hotmail.fr"}},
	{"Italy", 6, langIT, "39", func(r *rng) []string { return []string{"3" + digits(r, 2), digits(r, 3), digits(r, 4)} }, 2200,
		[]string{"Roma", "Milano", "Napoli", "Torino", "Palermo", "Genova", "Bologna", "Firenze", "Bari", "Verona"},
		[]string{"gmail.com", "libero.it", "virgilio.it", "hotmail.it", "tiscali.it"}},
	{"Mexico", 8, langES, "52", func(r *rng) []string { return []string{digits(r, 2), digits(r, 4), digits(r, 4)} }, 1600,
		[]string{"Ciudad de México", "Guadalajara", "Monterrey", "Puebla", "Tijuana", "León", "Querétaro", "Mérida", "Cancún"},
		[]string{"gmail.com", "hotmail.com", "yahoo.com.mx", "outlook.com"}},
	{"Brazil", 4, langPT, "55", func(r *rng) []string { return []string{digits(r, 2), "9" + digits(r, 4), digits(r, 4)} }, 1700,
		[]string{"São Paulo", "Rio de Janeiro", "Belo Horizonte", "Brasília", "Salvador", "Curitiba", "Fortaleza", "Recife", "Porto Alegre"},
		[]string{"gmail.com", "hotmail.com", "uol.com.br", "terra.com.br", "bol.com.br"}},
	{"Argentina", 4, langES, "54", func(r *rng) []string { return []string{"9", "11", digits(r, 4), digits(r, 4)} }, 2100,
		[]string{"Buenos Aires", "Córdoba", "Rosario", "Mendoza", "La Plata", "Mar del Plata", "Salta", "Tucumán"},
		[]string{"gmail.com", "hotmail.com", "yahoo.com.ar", "fibertel.com.ar"}},
	{"Canada", 3, langEN, "1", func(r *rng) []string { return []string{digits(r, 3), digits(r, 3), digits(r, 4)} }, 1300,
		[]string{"Toronto", "Montreal", "Vancouver", "Calgary", "Ottawa", "Edmonton", "Winnipeg", "Quebec City"},
		[]string{"gmail.com", "hotmail.com", "yahoo.ca", "rogers.com", "outlook.com"}},
	{"Portugal", 3, langPT, "351", func(r *rng) []string { return []string{"9" + digits(r, 2), digits(r, 3), digits(r, 3)} }, 2300,
		[]string{"Lisboa", "Porto", "Braga", "Coimbra", "Faro", "Aveiro", "Setúbal", "Funchal"},
		[]string{"gmail.com", "sapo.pt", "hotmail.com", "outlook.pt"}},
	{"Netherlands", 3, langNL, "31", func(r *rng) []string { return []string{"6", digits(r, 8)} }, 2100,
		[]string{"Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Groningen", "Tilburg", "Breda"},
		[]string{"gmail.com", "ziggo.nl", "kpnmail.nl", "hotmail.nl", "outlook.com"}},
	{"Colombia", 4, langES, "57", func(r *rng) []string { return []string{"3" + digits(r, 2), digits(r, 3), digits(r, 4)} }, 1900,
		[]string{"Bogotá", "Medellín", "Cali", "Barranquilla", "Cartagena", "Bucaramanga", "Pereira"},
		[]string{"gmail.com", "hotmail.com", "yahoo.com", "outlook.com"}},
	{"Chile", 2, langES, "56", func(r *rng) []string { return []string{"9", digits(r, 4), digits(r, 4)} }, 1900,
		[]string{"Santiago", "Valparaíso", "Concepción", "La Serena", "Antofagasta", "Temuco", "Viña del Mar"},
		[]string{"gmail.com", "hotmail.com", "yahoo.com", "vtr.net"}},
}

// nameSet is the first names, last names and street names of one language.
type nameSet struct {
	first, last, streets []string
	twoSurnames          bool
}

var nameSets = []nameSet{
	langES: {
		first: []string{"María", "Lucía", "Carmen", "Ana", "Laura", "Marta", "Sofía", "Paula", "Elena", "Isabel", "Valentina", "Camila", "Daniela",
			"José", "Antonio", "Manuel", "Javier", "David", "Carlos", "Miguel", "Alejandro", "Pablo", "Sergio", "Diego", "Andrés", "Mateo", "Santiago"},
		last: []string{"García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz",
			"Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Navarro", "Torres", "Ramírez", "Castro", "Vargas", "Rojas", "Herrera"},
		streets:     []string{"Calle Mayor", "Avenida de la Constitución", "Calle Real", "Paseo del Prado", "Calle de Alcalá", "Avenida Libertad", "Calle San Martín", "Calle Bolívar", "Avenida Central"},
		twoSurnames: true,
	},
	langEN: {
		first: []string{"James", "John", "Robert", "Michael", "William", "David", "Daniel", "Thomas", "Matthew", "Andrew", "Ryan", "Ethan",
			"Mary", "Jennifer", "Linda", "Elizabeth", "Sarah", "Emily", "Jessica", "Olivia", "Emma", "Charlotte", "Hannah", "Grace"},
		last: []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor", "Anderson", "Thomas", "Moore",
			"Martin", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Hall", "Young", "King", "Wright", "Evans"},
		streets: []string{"Main Street", "Oak Avenue", "Maple Drive", "High Street", "Park Road", "Church Lane", "Elm Street", "King Street", "Station Road"},
	},
	langDE: {
		first: []string{"Lukas", "Leon", "Finn", "Jonas", "Paul", "Felix", "Maximilian", "Tim", "Jan", "Moritz",
			"Anna", "Lena", "Laura", "Julia", "Lea", "Sophie", "Marie", "Hannah", "Katharina", "Sarah"},
		last: []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer",
			"Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann"},
		streets: []string{"Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße", "Dorfstraße", "Bergstraße", "Lindenstraße", "Kirchstraße"},
	},
	langFR: {
		first: []string{"Louis", "Gabriel", "Jules", "Hugo", "Arthur", "Lucas", "Thomas", "Nicolas", "Antoine", "Julien",
			"Camille", "Léa", "Manon", "Chloé", "Inès", "Emma", "Juliette", "Sarah", "Claire", "Élodie"},
		last: []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
			"Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier"},
		streets: []string{"Rue de la République", "Rue Victor Hugo", "Avenue Jean Jaurès", "Rue Pasteur", "Boulevard Voltaire", "Rue de la Paix", "Rue Nationale"},
	},
	langIT: {
		first: []string{"Francesco", "Alessandro", "Lorenzo", "Matteo", "Andrea", "Marco", "Giuseppe", "Luca", "Davide", "Simone",
			"Giulia", "Chiara", "Francesca", "Sara", "Martina", "Alessia", "Valentina", "Elisa", "Federica", "Giorgia"},
		last: []string{"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno",
			"Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti"},
		streets: []string{"Via Roma", "Via Garibaldi", "Corso Italia", "Via Mazzini", "Via Dante", "Piazza del Duomo", "Via Verdi", "Corso Vittorio Emanuele"},
	},
	langPT: {
		first: []string{"João", "Pedro", "Lucas", "Gabriel", "Miguel", "Rafael", "Tiago", "Gustavo", "Bruno", "Diogo",
			"Ana", "Beatriz", "Mariana", "Inês", "Juliana", "Larissa", "Fernanda", "Carolina", "Leonor", "Camila"},
		last: []string{"Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Rodrigues", "Almeida", "Ferreira", "Carvalho",
			"Gomes", "Martins", "Lima", "Ribeiro", "Fernandes", "Alves", "Lopes", "Barbosa", "Sousa", "Rocha"},
		streets: []string{"Rua das Flores", "Avenida da Liberdade", "Rua Augusta", "Avenida Paulista", "Rua Direita", "Rua do Comércio", "Avenida Brasil"},
	},
	langNL: {
		first: []string{"Daan", "Sem", "Lucas", "Levi", "Finn", "Bram", "Jesse", "Thijs", "Ruben", "Lars",
			"Emma", "Julia", "Sophie", "Lotte", "Anna", "Fleur", "Sanne", "Eva", "Lisa", "Noor"},
		last: []string{"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer",
			"de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer"},
		streets: []string{"Kerkstraat", "Dorpsstraat", "Molenweg", "Stationsweg", "Schoolstraat", "Hoofdstraat", "Julianastraat", "Marktplein"},
	},
}

// model is a product line of one brand: its base price, the variants it
// is sold in (added to the price), and the subcategory (index into subcats).
type model struct {
	brand string
	name  string
	price int64 // cents
}

type variant struct {
	label string
	add   int64 // cents
}

var (
	phoneStorage  = []variant{{"128GB", 0}, {"256GB", 10000}, {"512GB", 30000}}
	colorsPhone   = []variant{{"Black", 0}, {"Blue", 0}, {"White", 0}, {"Green", 0}}
	laptopConfigs = []variant{{"16GB/512GB", 0}, {"16GB/1TB", 20000}, {"32GB/1TB", 50000}}
	colorsAudio   = []variant{{"Black", 0}, {"White", 0}, {"Silver", 0}}
	noVariant     = []variant{{"", 0}}
)

// subcat is a subcategory's catalogue: its models and the ranges of margin
// (basis points of price), weight (grams) and dimensions (mm).
type subcat struct {
	id           int64 // category id of the subcategory
	weight       int   // share of products
	marginLo     int64
	marginHi     int64
	gramsLo      int
	gramsHi      int
	dims         [3][2]int // w, h, d ranges in mm
	noun         string    // what a reviewer calls it
	tagline      string
	models       []model
	variantSets  [][]variant
	popularityUp float64 // relative demand
}

var subcats = []subcat{
	{id: 7, weight: 16, marginLo: 1200, marginHi: 2400, gramsLo: 160, gramsHi: 240, dims: [3][2]int{{70, 78}, {146, 165}, {7, 9}}, noun: "phone",
		tagline: "smartphone with an OLED display, all-day battery and a triple camera", popularityUp: 1.3,
		models: []model{
			{"Apple", "iPhone 15", 95900}, {"Apple", "iPhone 16", 99900}, {"Apple", "iPhone 16 Pro", 121900}, {"Apple", "iPhone 16 Pro Max", 146900},
			{"Samsung", "Galaxy S24", 89900}, {"Samsung", "Galaxy S24 Ultra", 145900}, {"Samsung", "Galaxy A55", 48900}, {"Samsung", "Galaxy Z Flip6", 119900},
			{"Google", "Pixel 9", 89900}, {"Google", "Pixel 8a", 54900}, {"Xiaomi", "Redmi Note 13 Pro", 39900}, {"Xiaomi", "14T", 64900},
			{"OnePlus", "12", 89900}, {"OnePlus", "Nord 4", 49900}, {"Motorola", "Edge 50", 59900}, {"Motorola", "Moto G84", 29900},
		},
		variantSets: [][]variant{phoneStorage, colorsPhone}},
	{id: 8, weight: 7, marginLo: 1500, marginHi: 2500, gramsLo: 180, gramsHi: 700, dims: [3][2]int{{125, 200}, {180, 285}, {6, 9}}, noun: "tablet",
		tagline: "tablet for work, streaming and drawing", popularityUp: 0.9,
		models: []model{
			{"Apple", "iPad Air 11", 69900}, {"Apple", "iPad Pro 13", 149900}, {"Apple", "iPad mini", 59900}, {"Samsung", "Galaxy Tab S9 FE", 44900},
			{"Samsung", "Galaxy Tab A9+", 22900}, {"Lenovo", "Tab P12", 34900}, {"Xiaomi", "Pad 6", 34900}, {"Amazon", "Kindle Paperwhite", 16999},
		},
		variantSets: [][]variant{{{"64GB", 0}, {"128GB", 6000}, {"256GB", 16000}}, {{"Wi-Fi", 0}, {"Wi-Fi + Cellular", 17000}}}},
	{id: 9, weight: 14, marginLo: 800, marginHi: 1800, gramsLo: 1100, gramsHi: 2600, dims: [3][2]int{{300, 360}, {210, 250}, {14, 24}}, noun: "laptop",
		tagline: "laptop with a fast SSD, backlit keyboard and a bright display", popularityUp: 1.0,
		models: []model{
			{"Apple", "MacBook Air 13 M3", 129900}, {"Apple", "MacBook Pro 14 M4", 199900}, {"Dell", "XPS 13", 139900}, {"Dell", "Inspiron 15", 69900},
			{"HP", "Pavilion 15", 74900}, {"HP", "Spectre x360 14", 159900}, {"Lenovo", "ThinkPad X1 Carbon", 179900}, {"Lenovo", "IdeaPad Slim 5", 79900},
			{"ASUS", "ZenBook 14 OLED", 109900}, {"ASUS", "ROG Strix G16", 169900}, {"Acer", "Swift Go 14", 89900}, {"Acer", "Nitro V 15", 99900},
			{"Microsoft", "Surface Laptop 7", 134900}, {"MSI", "Katana 15", 119900},
		},
		variantSets: [][]variant{laptopConfigs}},
	{id: 10, weight: 5, marginLo: 1000, marginHi: 2000, gramsLo: 1200, gramsHi: 9000, dims: [3][2]int{{120, 200}, {120, 420}, {50, 400}}, noun: "computer",
		tagline: "compact desktop computer for home and office", popularityUp: 0.5,
		models: []model{
			{"Apple", "Mac mini M4", 71900}, {"Apple", "iMac 24 M4", 159900}, {"Dell", "OptiPlex 7020", 89900}, {"HP", "Victus 15L", 109900},
			{"Lenovo", "ThinkCentre M75q", 64900}, {"ASUS", "ExpertCenter PN53", 59900}, {"MSI", "Codex R2", 129900},
		},
		variantSets: [][]variant{{{"16GB/512GB", 0}, {"32GB/1TB", 40000}}}},
	{id: 11, weight: 7, marginLo: 1400, marginHi: 2600, gramsLo: 3500, gramsHi: 9000, dims: [3][2]int{{540, 820}, {380, 520}, {180, 260}}, noun: "monitor",
		tagline: "monitor with thin bezels, adjustable stand and low blue light", popularityUp: 0.7,
		models: []model{
			{"LG", "UltraGear 27GP850", 39900}, {"LG", "27UP850N 4K", 44900}, {"Samsung", "Odyssey G5 32", 34900}, {"Samsung", "ViewFinity S8", 49900},
			{"Dell", "UltraSharp U2723QE", 62900}, {"BenQ", "GW2780", 14900}, {"ASUS", "ProArt PA278CV", 42900}, {"Acer", "Nitro VG240Y", 12999},
		},
		variantSets: [][]variant{noVariant}},
	{id: 12, weight: 10, marginLo: 3000, marginHi: 4500, gramsLo: 40, gramsHi: 330, dims: [3][2]int{{50, 190}, {50, 210}, {25, 80}}, noun: "headphones",
		tagline: "wireless headphones with active noise cancelling", popularityUp: 1.6,
		models: []model{
			{"Apple", "AirPods Pro 2", 27900}, {"Apple", "AirPods 4", 14900}, {"Apple", "AirPods Max", 57900}, {"Sony", "WH-1000XM5", 39999},
			{"Sony", "WF-1000XM5", 29999}, {"Bose", "QuietComfort Ultra", 44995}, {"Bose", "QuietComfort Earbuds II", 29995}, {"Samsung", "Galaxy Buds3 Pro", 24900},
			{"JBL", "Tune 520BT", 4999}, {"Sennheiser", "Momentum 4", 34999}, {"Xiaomi", "Redmi Buds 5 Pro", 7999}, {"Google", "Pixel Buds Pro 2", 22900},
		},
		variantSets: [][]variant{colorsAudio}},
	{id: 13, weight: 6, marginLo: 3000, marginHi: 4500, gramsLo: 300, gramsHi: 2200, dims: [3][2]int{{70, 300}, {70, 200}, {70, 150}}, noun: "speaker",
		tagline: "portable speaker with deep bass and long battery life", popularityUp: 1.0,
		models: []model{
			{"JBL", "Flip 6", 12999}, {"JBL", "Charge 5", 17999}, {"JBL", "Go 4", 4999}, {"Sony", "SRS-XB100", 5999},
			{"Bose", "SoundLink Flex", 14995}, {"Amazon", "Echo Dot 5th Gen", 5999}, {"Google", "Nest Audio", 9999}, {"Apple", "HomePod mini", 10900},
		},
		variantSets: [][]variant{colorsAudio}},
	{id: 14, weight: 3, marginLo: 500, marginHi: 1200, gramsLo: 400, gramsHi: 4500, dims: [3][2]int{{100, 400}, {100, 400}, {30, 110}}, noun: "console",
		tagline: "game console with 4K output and fast loading", popularityUp: 1.2,
		models: []model{
			{"Sony", "PlayStation 5 Slim", 54999}, {"Sony", "PlayStation 5 Pro", 79999}, {"Microsoft", "Xbox Series X", 54999},
			{"Microsoft", "Xbox Series S", 32999}, {"Nintendo", "Switch OLED", 34999}, {"Valve", "Steam Deck OLED", 56900},
		},
		variantSets: [][]variant{{{"Standard", 0}, {"Bundle", 6000}}}},
	{id: 15, weight: 7, marginLo: 3000, marginHi: 5000, gramsLo: 80, gramsHi: 400, dims: [3][2]int{{60, 200}, {40, 170}, {30, 120}}, noun: "controller",
		tagline: "low-latency gaming accessory built for long sessions", popularityUp: 1.0,
		models: []model{
			{"Sony", "DualSense Wireless Controller", 7499}, {"Microsoft", "Xbox Wireless Controller", 5999}, {"Nintendo", "Switch Pro Controller", 6999},
			{"8BitDo", "Ultimate Bluetooth Controller", 5999}, {"Logitech", "G Pro X Superlight 2", 16999}, {"Razer", "BlackShark V2 Pro", 19999},
			{"Razer", "DeathAdder V3", 8999}, {"Logitech", "G915 TKL", 22999},
		},
		variantSets: [][]variant{{{"Black", 0}, {"White", 0}}}},
	{id: 16, weight: 6, marginLo: 2500, marginHi: 4000, gramsLo: 25, gramsHi: 70, dims: [3][2]int{{36, 49}, {40, 49}, {9, 14}}, noun: "watch",
		tagline: "smartwatch with heart-rate, sleep and GPS tracking", popularityUp: 1.1,
		models: []model{
			{"Apple", "Watch Series 10", 44900}, {"Apple", "Watch SE", 27900}, {"Apple", "Watch Ultra 2", 89900}, {"Samsung", "Galaxy Watch7", 31900},
			{"Garmin", "Forerunner 265", 44999}, {"Garmin", "Fenix 8", 99999}, {"Google", "Pixel Watch 3", 39900}, {"Huawei", "Watch GT 5", 24900},
		},
		variantSets: [][]variant{{{"41mm", 0}, {"45mm", 3000}}}},
	{id: 17, weight: 4, marginLo: 3000, marginHi: 4500, gramsLo: 15, gramsHi: 40, dims: [3][2]int{{17, 25}, {35, 46}, {9, 12}}, noun: "tracker",
		tagline: "lightweight fitness tracker with a week of battery", popularityUp: 0.9,
		models: []model{
			{"Fitbit", "Charge 6", 15995}, {"Fitbit", "Inspire 3", 9995}, {"Xiaomi", "Smart Band 9", 3999}, {"Garmin", "Vivosmart 5", 14999},
			{"Huawei", "Band 9", 5999}, {"Samsung", "Galaxy Fit3", 5999},
		},
		variantSets: [][]variant{{{"Black", 0}, {"Pink", 0}, {"Blue", 0}}}},
	{id: 18, weight: 9, marginLo: 4500, marginHi: 6500, gramsLo: 30, gramsHi: 450, dims: [3][2]int{{25, 160}, {25, 90}, {10, 30}}, noun: "charger",
		tagline: "fast, safe charging for phones, tablets and laptops", popularityUp: 1.4,
		models: []model{
			{"Anker", "Nano 65W USB-C Charger", 4999}, {"Anker", "PowerCore 20000 Power Bank", 5999}, {"Belkin", "BoostCharge Pro 3-in-1", 14999},
			{"Apple", "20W USB-C Power Adapter", 2500}, {"Samsung", "45W Super Fast Charger", 3999}, {"Ugreen", "Nexode 100W GaN Charger", 6999},
			{"Anker", "USB-C to USB-C Cable 2m", 1599}, {"Belkin", "USB-C to Lightning Cable", 2499}, {"Ugreen", "USB-C Hub 7-in-1", 3999},
		},
		variantSets: [][]variant{{{"Black", 0}, {"White", 0}}}},
	{id: 19, weight: 6, marginLo: 2000, marginHi: 3500, gramsLo: 5, gramsHi: 180, dims: [3][2]int{{11, 110}, {15, 75}, {1, 12}}, noun: "drive",
		tagline: "fast, reliable storage for photos, games and backups", popularityUp: 1.1,
		models: []model{
			{"Samsung", "990 PRO NVMe SSD", 11999}, {"Samsung", "T7 Portable SSD", 10999}, {"SanDisk", "Extreme microSDXC", 2999},
			{"SanDisk", "Extreme Portable SSD", 12999}, {"Kingston", "DataTraveler Exodia", 999}, {"Crucial", "P3 Plus NVMe SSD", 7999},
			{"Crucial", "X9 Pro Portable SSD", 9999},
		},
		variantSets: [][]variant{{{"256GB", 0}, {"512GB", 3000}, {"1TB", 7000}, {"2TB", 15000}}}},
}
