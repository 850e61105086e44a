package ingest

// reviewText holds titles and comments by rating (index 0 = 1 star). A %s in
// a comment is replaced by what a buyer calls the product ("phone",
// "laptop", ...).
var reviewTitles = [5][]string{
	{"Terrible, returned it", "Do not buy", "Broke after a week", "Very disappointed", "Waste of money", "Stopped working"},
	{"Not worth the price", "Below expectations", "Several problems", "Mediocre at best", "Had higher hopes", "Flimsy"},
	{"It's okay", "Average", "Does the job", "Decent for the price", "Mixed feelings", "Fine, nothing special"},
	{"Very good", "Happy with it", "Great value", "Solid purchase", "Recommended", "Works well"},
	{"Excellent!", "Love it", "Best purchase this year", "Perfect", "Outstanding quality", "Exceeded my expectations"},
}

var reviewComments = [5][]string{
	{
		"The %s stopped working after a few days and support never answered.",
		"Arrived with a defect. The %s would not even turn on. Sent it back.",
		"Poor build quality, the %s feels cheap and overheats. Avoid.",
		"Nothing like the description. Battery dies in hours. Returned the %s.",
	},
	{
		"The %s works, but the battery life is much worse than advertised.",
		"Too expensive for what it offers. The %s has frequent connection drops.",
		"Packaging was damaged and the %s has scratches. Performance is just okay.",
		"I expected more from this brand; the %s is slow and the software is buggy.",
	},
	{
		"The %s is fine for everyday use, nothing more. Delivery was on time.",
		"Good enough for the price, but there are better options for a little more.",
		"Does what it says. The %s gets a bit warm but it is acceptable.",
		"Average %s. Setup was easy, the build quality could be better.",
	},
	{
		"Very happy with the %s. Fast delivery and it works as expected.",
		"Great value for money. The %s is fast and the battery lasts all day.",
		"Solid %s, good build quality. Only minus is the short cable in the box.",
		"Works perfectly after two months of daily use. I would buy it again.",
	},
	{
		"Excellent %s! Fast, well built and arrived the next day. Highly recommended.",
		"Best %s I have owned. The quality is outstanding and setup took minutes.",
		"Absolutely love it. The %s exceeded every expectation. Five stars.",
		"Perfect in every way: design, performance and battery. Great shop too.",
	},
}

var orderNotes = []string{
	"Leave the parcel at reception", "Please call before delivery", "Gift wrap, please",
	"Deliver after 6 pm", "Ring the second doorbell", "Leave with the neighbour if absent",
	"Fragile, handle with care", "Invoice to company name, please",
}
